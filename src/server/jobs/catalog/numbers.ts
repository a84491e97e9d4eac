// Job kinds of the numbers area: name → definition. See ./index.ts.
export const numberJobs = {}
