// Runs in a worker thread started by text-thread.ts: one task, one answer, then the thread ends.
import { parentPort, threadId, workerData } from 'node:worker_threads'
import { AppError } from '../errors.js'
import type { TextTask } from './text-thread.js'

async function run(task: TextTask) {
  switch (task.kind) {
    case 'extract': {
      // Imported here so a chunking thread does not load the PDF and DOCX readers.
      const { extractText } = await import('./extract-text.js')
      return extractText(task.input)
    }
    case 'chunk': {
      const { sourceChunks } = await import('./source-chunks.js')
      return task.sources.flatMap((source) => sourceChunks(source, task.labels))
    }
  }
}

try {
  parentPort?.postMessage({ ok: true, value: await run((workerData as { task: TextTask }).task), threadId })
} catch (err) {
  const error =
    err instanceof AppError
      ? { code: err.code, message: err.message, details: err.details }
      : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) }
  parentPort?.postMessage({ ok: false, error, threadId })
}
