import { createRouter } from '../router.js'

// Routes of the simulator area (filled in by its issue).
export function simulatorRoutes() {
  const app = createRouter()
  return app
}
