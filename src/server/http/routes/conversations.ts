import { createRouter } from '../router.js'

// Routes of the conversations area (filled in by its issue).
export function conversationRoutes() {
  const app = createRouter()
  return app
}
