import { createRouter } from '../router.js'

// Routes of the cron area (filled in by its issue).
export function cronRoutes() {
  const app = createRouter()
  return app
}
