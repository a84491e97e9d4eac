// Job kinds of the knowledge area: name → definition. See ./index.ts.
export const knowledgeJobs = {}
