import { markImportFailed, runImport } from '../../core/contacts/run-import.js'
import type { contactJobs } from '../catalog/contacts.js'
import type { HandlersFor } from './index.js'

// Handlers of the contacts area's jobs: each builds a context and calls one core action.
export const contactHandlers: HandlersFor<typeof contactJobs> = {
  'contacts.import': async (payload, services, meta) => {
    const ctx = { ...services, log: services.log.child({ job: 'contacts.import', jobId: meta.id }) }
    try {
      await runImport({ ctx, input: payload })
    } catch (err) {
      ctx.log.warn({ err, importId: payload.importId, attempt: meta.retryCount }, 'contact import failed')
      if (meta.isLastAttempt) {
        const reason = err instanceof Error ? err.message : String(err)
        await markImportFailed({ ctx, input: { ...payload, reason: `The import failed: ${reason}` } })
      }
      throw err
    }
  },
}
