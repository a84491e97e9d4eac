import type { JobHandlers } from './index.js'

// Handlers of the inbound area's jobs: each parses nothing itself (the catalog did), builds a context, calls one core action.
export const inboundHandlers: JobHandlers = {}
