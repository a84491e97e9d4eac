import { setTimeout as sleep } from 'node:timers/promises'

// Broadcast sends are paced per sending number: `ratePerSecond` on average (Twilio's limit is per
// WhatsApp sender, 80 messages/s, and it queues what comes faster). A token bucket holding a fifth
// of a second's worth lets a sender catch up after the process was busy (a late timer, a slow
// query) without ever going faster than the rate plus that small burst. Every broadcast step of
// this process from one number shares the number's bucket.

const nextSlot = new Map<string, number>()

/** Waits for the sender's next slot. */
export async function takeSendSlot(sender: string, ratePerSecond: number, signal?: AbortSignal) {
  const interval = 1000 / ratePerSecond
  const burst = Math.max(1, Math.ceil(ratePerSecond / 5))
  const now = performance.now()
  const slot = Math.max(nextSlot.get(sender) ?? now, now - interval * burst)
  nextSlot.set(sender, slot + interval)
  if (slot > now) await sleep(slot - now, undefined, { signal }).catch(() => {})
}
