/** Polls `check` until it returns a truthy value (returned) or the time is up (throws with the last value). */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000)
  let last: T | undefined
  while (Date.now() < deadline) {
    last = await check()
    if (last) return last as NonNullable<T>
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100))
  }
  throw new Error(`timed out waiting for ${opts.what ?? 'condition'} (last: ${JSON.stringify(last)})`)
}
