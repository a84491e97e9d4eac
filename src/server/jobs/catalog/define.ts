import type { z } from 'zod'

/** A job kind: its payload schema and how pg-boss retries it. Payloads carry ids, never records. */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  payload: S
  retryLimit: number
  /** Seconds before the first retry; doubled on each retry when backoff is on. */
  retryDelay: number
  retryBackoff: boolean
  expireInSeconds: number
  /** How many jobs of this kind one worker process runs at once. */
  concurrency?: number
  /**
   * pg-boss's queue policy. 'short': at most one job per singletonKey waits in the queue (a send
   * while one waits is dropped), for jobs that do all the outstanding work whenever they run.
   */
  policy?: 'standard' | 'short'
}

export const defineJob = <S extends z.ZodType>(def: JobDefinition<S>) => def
