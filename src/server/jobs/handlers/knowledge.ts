import { extractSource, markExtractionFailed } from '../../core/knowledge/extract-source.js'
import { markTrainingFailed, trainKnowledge } from '../../core/knowledge/train-knowledge.js'
import type { knowledgeJobs } from '../catalog/knowledge.js'
import type { HandlersFor } from './index.js'

// Handlers of the knowledge area's jobs: each parses nothing itself (the catalog did), builds a context, calls one core action.
export const knowledgeHandlers: HandlersFor<typeof knowledgeJobs> = {
  'knowledge.train': async (payload, services, meta) => {
    const ctx = { ...services, log: services.log.child({ job: 'knowledge.train', jobId: meta.id }) }
    try {
      await trainKnowledge({ ctx, input: { organizationId: payload.organizationId } })
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      ctx.log.warn(
        { err, organizationId: payload.organizationId, attempt: meta.retryCount },
        'training failed',
      )
      // The previous generation keeps answering; only the last attempt reports the failure.
      if (meta.isLastAttempt) {
        await markTrainingFailed({
          ctx,
          input: { organizationId: payload.organizationId, reason: `Training failed: ${reason}` },
        })
      }
      throw err
    }
  },
  'knowledge.extract': async (payload, services, meta) => {
    const ctx = { ...services, log: services.log.child({ job: 'knowledge.extract', jobId: meta.id }) }
    try {
      // A file that cannot be used is not an error of the job: the source records why.
      await extractSource({ ctx, input: payload })
    } catch (err) {
      if (meta.isLastAttempt) {
        const reason = err instanceof Error ? err.message : String(err)
        await markExtractionFailed({
          ctx,
          input: { ...payload, reason: `The file could not be read: ${reason}` },
        })
      }
      throw err
    }
  },
}
