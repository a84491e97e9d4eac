import { expireExports } from '../../core/exports/expire-exports.js'
import { markExportFailed, runExport } from '../../core/exports/run-export.js'
import type { exportJobs } from '../catalog/exports.js'
import type { HandlersFor } from './index.js'

// Handlers of the exports area's jobs: each builds a context and calls one core action.
export const exportHandlers: HandlersFor<typeof exportJobs> = {
  'exports.run': async (payload, services, meta) => {
    const ctx = { ...services, log: services.log.child({ job: 'exports.run', jobId: meta.id }) }
    try {
      await runExport({ ctx, input: payload })
    } catch (err) {
      ctx.log.warn({ err, exportId: payload.exportId, attempt: meta.retryCount }, 'export failed')
      if (meta.isLastAttempt) {
        const reason = err instanceof Error ? err.message : String(err)
        await markExportFailed({ ctx, input: { ...payload, reason: `The export failed: ${reason}` } })
      }
      throw err
    }
  },
  'exports.expire': async (_payload, services) => {
    await expireExports({ ctx: services })
  },
}
