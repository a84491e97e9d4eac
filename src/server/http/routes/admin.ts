import { createRouter } from '../router.js'

// Routes of the admin area (filled in by its issue).
export function adminRoutes() {
  const app = createRouter()
  return app
}
