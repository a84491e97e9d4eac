// Job kinds of the inbound area: name → definition. See ./index.ts.
export const inboundJobs = {}
