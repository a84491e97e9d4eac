import { createRouter } from '../router.js'

// Routes of the numbers area (filled in by its issue).
export function numberRoutes() {
  const app = createRouter()
  return app
}
