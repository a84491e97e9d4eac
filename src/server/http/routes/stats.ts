import { createRouter } from '../router.js'

// Routes of the stats area (filled in by its issue).
export function statsRoutes() {
  const app = createRouter()
  return app
}
