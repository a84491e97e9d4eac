import type PgBoss from 'pg-boss'
import type { z } from 'zod'
import type { Services } from '../core/context.js'
import { withoutUserData } from '../logger.js'
import { isJobName, type JobName, type JobPayload, jobCatalog } from './catalog/index.js'
import { type JobHandler, jobHandlers } from './handlers/index.js'
import type { LocalWorkers } from './queue.js'

/** Registers every handler of the catalog with pg-boss; a failing handler throws and pg-boss retries it. */
export async function startWorker(
  boss: PgBoss,
  services: Services,
  localWorkers: LocalWorkers,
  opts: { pollingIntervalSeconds?: number } = {},
) {
  for (const name of Object.keys(jobCatalog).filter(isJobName)) {
    // Registered before the workers start, so a send meanwhile wakes the ones already running.
    const ids: string[] = []
    localWorkers.set(name, ids)
    await workJob(boss, services, name, ids, opts.pollingIntervalSeconds ?? 0.5)
  }
  // Built-in scheduler: nothing depends on an outside cron.
  await boss.schedule('usage.roll-over', '0 0 1 * *', {}, { tz: 'UTC' })
  await boss.schedule('system.cleanup', '*/10 * * * *', {})
  // Restarts a broadcast whose sending job vanished (a sending one idle, a scheduled one past due).
  await boss.schedule('broadcasts.sweep', '* * * * *', {})
  // Download links of background exports expire; retention policies delete old messages.
  await boss.schedule('exports.expire', '7 * * * *', {})
  await boss.schedule('privacy.retention', '17 * * * *', {})
  // Webhook deliveries whose retry came due, or whose wake-up was lost.
  await boss.schedule('webhooks.deliver', '* * * * *', {})
  await boss.schedule('webhooks.purge', '23 * * * *', {})
  // Encryption at rest: legacy plaintext and rows under an older key move to the current key.
  await boss.schedule('crypto.reencrypt', '43 3 * * *', {}, { tz: 'UTC' })
  // Overage billing: messages counted beyond the limit and not yet reported to Stripe (a safety
  // net behind the report enqueued when they are counted).
  await boss.schedule('billing.report-overage', '*/5 * * * *', {})
}

/** The catalog seen per job name, so parsing job `N`'s payload yields `JobPayload<N>`. */
type PayloadSchemas = { [N in JobName]: { payload: z.ZodType<JobPayload<N>> } }

/** Starts the catalog's number of pg-boss workers for one job kind, adding their ids to `ids`. */
async function workJob<N extends JobName>(
  boss: PgBoss,
  services: Services,
  name: N,
  ids: string[],
  pollingIntervalSeconds: number,
) {
  const def = jobCatalog[name]
  const payloads: PayloadSchemas = jobCatalog
  const handler: JobHandler<N> = jobHandlers[name]
  for (let i = 0; i < (def.concurrency ?? 1); i++) {
    let workerId = ''
    workerId = await boss.work(
      name,
      { includeMetadata: true, batchSize: 1, pollingIntervalSeconds },
      async (jobs) => {
        for (const job of jobs) {
          const payload: JobPayload<N> = payloads[name].payload.parse(job.data)
          const meta = {
            id: job.id,
            retryCount: job.retryCount,
            retryLimit: job.retryLimit,
            isLastAttempt: job.retryCount >= job.retryLimit,
          }
          try {
            await handler(payload, services, meta)
          } catch (err) {
            // pg-boss retries it (with backoff) until the last attempt; say so in the logs.
            services.log[meta.isLastAttempt ? 'error' : 'warn'](
              { err, job: name, jobId: job.id, attempt: job.retryCount + 1 },
              'job failed',
            )
            // pg-boss stores what is thrown in the job's row: never a failed query's parameters.
            throw withoutUserData(err)
          }
        }
        // pg-boss sleeps a whole polling interval after every job unless notified: while work
        // keeps coming, fetch the next job at once.
        boss.notifyWorker(workerId)
      },
    )
    ids.push(workerId)
  }
}
