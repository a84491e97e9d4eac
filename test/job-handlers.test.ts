import { describe, expect, it } from 'vitest'
import { jobCatalog } from '../src/server/jobs/catalog/index.js'
import { type JobHandlers, jobHandlers } from '../src/server/jobs/handlers/index.js'

// The worker runs a handler for every job of the catalog, and a job without one must not compile
// (the @ts-expect-error below fails `npm run typecheck` the day a partial set of handlers does).
const { 'system.cleanup': _left, ...withoutOne } = jobHandlers
// @ts-expect-error a catalog job without its handler is a compile error
const partial: JobHandlers = withoutOne

describe('job handlers', () => {
  it('has exactly one handler per job of the catalog', () => {
    expect(Object.keys(jobHandlers).sort()).toEqual(Object.keys(jobCatalog).sort())
    expect(Object.keys(partial)).not.toContain('system.cleanup')
  })
})
