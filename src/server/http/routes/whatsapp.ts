import { createRouter } from '../router.js'

// Routes of the whatsapp area (filled in by its issue).
export function whatsappRoutes() {
  const app = createRouter()
  return app
}
