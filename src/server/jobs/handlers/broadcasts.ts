import { sendBroadcastStep } from '../../core/broadcasts/send-broadcast.js'
import { sweepBroadcasts } from '../../core/broadcasts/sweep-broadcasts.js'
import type { broadcastJobs } from '../catalog/broadcasts.js'
import type { HandlersFor } from './index.js'

export const broadcastHandlers: HandlersFor<typeof broadcastJobs> = {
  'broadcasts.send': async (payload, services) => {
    const step = await sendBroadcastStep(services, payload)
    if (step.next === 'now') await services.jobs.send('broadcasts.send', payload)
    if (step.next === 'later')
      await services.jobs.send('broadcasts.send', payload, { startAfter: step.afterSeconds })
  },
  'broadcasts.sweep': async (_payload, services) => {
    await sweepBroadcasts(services)
  },
}
