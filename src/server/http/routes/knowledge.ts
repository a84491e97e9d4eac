import { createRouter } from '../router.js'

// Routes of the knowledge area (filled in by its issue).
export function knowledgeRoutes() {
  const app = createRouter()
  return app
}
