// The one place where CPU-heavy text work leaves the event loop: reading an uploaded file and
// splitting a knowledge base into passages each run in a fresh worker thread with a time budget
// (the thread is terminated when over) and a heap budget (V8 stops it when over), so a hostile
// or merely huge file can neither block requests nor take the process's memory.

import { Worker } from 'node:worker_threads'
import { BadRequest } from '../errors.js'
import { overLimit, type UploadInput } from './extract-text.js'
import { EXTRACTION_LIMITS, type ExtractionLimit } from './schemas.js'
import type { ChunkableSource, PendingChunk } from './source-chunks.js'

export type TextTask =
  | { kind: 'extract'; input: UploadInput }
  | { kind: 'chunk'; sources: ChunkableSource[]; labels: Record<string, string> }

type Extracted = { type: string; mimeType: string; text: string }
type Result<T extends TextTask> = T extends { kind: 'extract' } ? Extracted : PendingChunk[]

export interface TextBudget {
  /** Wall-clock milliseconds before the thread is terminated. */
  timeoutMs: number
  /** V8 old-generation heap of the thread, in MB. */
  heapMb: number
}

const BOOT = new URL('./text-thread-boot.mjs', import.meta.url)
const ENTRY = new URL('./text-thread-worker.ts', import.meta.url).href

const describe = (task: TextTask) =>
  task.kind === 'extract' ? 'reading this file' : 'splitting the knowledge into passages'

function budgetRefused(
  task: TextTask,
  limit: Extract<ExtractionLimit, 'extractMs' | 'chunkMs' | 'workerHeapMb'>,
  budget: TextBudget,
) {
  const reason =
    limit === 'workerHeapMb'
      ? `${describe(task)} needs more than the ${budget.heapMb} MB of memory allowed`
      : `${describe(task)} took longer than the ${Math.round(budget.timeoutMs / 1000)} seconds allowed`
  // Only a file's reading is the uploader's input error; a training that runs over fails with the reason.
  if (task.kind === 'extract')
    return overLimit(limit, reason, limit === 'workerHeapMb' ? budget.heapMb : budget.timeoutMs)
  return new Error(reason)
}

/**
 * Runs one task in a new worker thread and resolves with its result and the thread's id. Errors
 * thrown by the task come back as the same typed errors (a BadRequest stays a 400).
 */
export function runTextTask<T extends TextTask>(
  task: T,
  budget?: Partial<TextBudget>,
): Promise<{ value: Result<T>; threadId: number }> {
  const full: TextBudget = {
    timeoutMs:
      budget?.timeoutMs ??
      (task.kind === 'extract' ? EXTRACTION_LIMITS.extractMs : EXTRACTION_LIMITS.chunkMs),
    heapMb: budget?.heapMb ?? EXTRACTION_LIMITS.workerHeapMb,
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, {
      workerData: { entry: ENTRY, task },
      resourceLimits: { maxOldGenerationSizeMb: full.heapMb },
      // The parent's flags (tsx's loader, inspector…) are not the worker's business.
      execArgv: [],
    })
    let settled = false
    const settle = (fn: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      fn()
      void worker.terminate()
    }
    const timer = setTimeout(
      () =>
        settle(() => reject(budgetRefused(task, task.kind === 'extract' ? 'extractMs' : 'chunkMs', full))),
      full.timeoutMs,
    )
    worker.on(
      'message',
      (message: {
        ok: boolean
        value?: Result<T>
        error?: { code: string; message: string; details?: unknown }
        threadId: number
      }) =>
        settle(() => {
          if (message.ok) return resolve({ value: message.value as Result<T>, threadId: message.threadId })
          const e = message.error ?? { code: 'INTERNAL', message: 'unknown error' }
          reject(e.code === 'BAD_REQUEST' ? new BadRequest(e.message, e.details) : new Error(e.message))
        }),
    )
    worker.on('error', (err: Error & { code?: string }) =>
      settle(() =>
        reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? budgetRefused(task, 'workerHeapMb', full) : err),
      ),
    )
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`the text worker thread stopped (exit code ${code})`))),
    )
  })
}

/** An uploaded file's text, read off the event loop under EXTRACTION_LIMITS. */
export async function extractTextOffThread(input: UploadInput, budget?: Partial<TextBudget>) {
  return (await runTextTask({ kind: 'extract', input }, budget)).value
}

/** The passages of a knowledge base's sources, split off the event loop. */
export async function chunkSourcesOffThread(
  sources: ChunkableSource[],
  labels: Record<string, string>,
  budget?: Partial<TextBudget>,
) {
  return (await runTextTask({ kind: 'chunk', sources, labels }, budget)).value
}
