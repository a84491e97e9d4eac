import type { JobHandlers } from './index.js'

// Handlers of the numbers area's jobs: each parses nothing itself (the catalog did), builds a context, calls one core action.
export const numberHandlers: JobHandlers = {}
