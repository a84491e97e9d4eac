// Entry of the text worker thread. The app runs TypeScript through tsx (`npm start`) or Vite
// (vitest); a worker thread starts with neither, so it registers tsx's loader for itself and
// then imports the TypeScript entry named in workerData.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
