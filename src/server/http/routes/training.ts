import { createRouter } from '../router.js'

// Routes of the training area (filled in by its issue).
export function trainingRoutes() {
  const app = createRouter()
  return app
}
