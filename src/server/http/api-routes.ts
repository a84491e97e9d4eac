import { withApiSecurity } from './openapi-security.js'
import { createRouter } from './router.js'
import { adminRoutes } from './routes/admin.js'
import { analyticsRoutes } from './routes/analytics.js'
import { apiKeyRoutes } from './routes/api-keys.js'
import { auditRoutes } from './routes/audit.js'
import { billingRoutes } from './routes/billing.js'
import { broadcastRoutes } from './routes/broadcasts.js'
import { contactRoutes } from './routes/contacts.js'
import { conversationRoutes } from './routes/conversations.js'
import { cronRoutes } from './routes/cron.js'
import { experimentRoutes } from './routes/experiments.js'
import { exportRoutes } from './routes/exports.js'
import { inboxRoutes } from './routes/inbox.js'
import { knowledgeRoutes } from './routes/knowledge.js'
import { liveRoutes } from './routes/live.js'
import { meRoutes } from './routes/me.js'
import { memberRoutes } from './routes/members.js'
import { notificationRoutes } from './routes/notifications.js'
import { numberRoutes } from './routes/numbers.js'
import { organizationRoutes } from './routes/organizations.js'
import { privacyRoutes } from './routes/privacy.js'
import { qualityRoutes } from './routes/quality.js'
import { simulatorRoutes } from './routes/simulator.js'
import { statsRoutes } from './routes/stats.js'
import { templateRoutes } from './routes/templates.js'
import { trainingRoutes } from './routes/training.js'
import { unansweredRoutes } from './routes/unanswered.js'
import { v1Routes } from './routes/v1.js'
import { webhookRoutes } from './routes/webhooks.js'
import { whatsappRoutes } from './routes/whatsapp.js'

/** The OpenAPI document's header, served at /api/openapi.json. */
export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'WhatsApp AI Assistants API',
    version: '1.0.0',
    description:
      'Organizations, WhatsApp numbers, knowledge and conversations. Sign in through /api/auth/* (session cookie).',
  },
} as const

/**
 * Every documented route module, in mounting order: routes with fixed segments (search-numbers)
 * go before /api/organizations/{id}.
 */
export const apiRoutes = () => [
  numberRoutes(),
  meRoutes(),
  trainingRoutes(),
  whatsappRoutes(),
  cronRoutes(),
  adminRoutes(),
  organizationRoutes(),
  memberRoutes(),
  billingRoutes(),
  knowledgeRoutes(),
  conversationRoutes(),
  inboxRoutes(),
  contactRoutes(),
  statsRoutes(),
  qualityRoutes(),
  unansweredRoutes(),
  experimentRoutes(),
  analyticsRoutes(),
  simulatorRoutes(),
  broadcastRoutes(),
  templateRoutes(),
  exportRoutes(),
  privacyRoutes(),
  webhookRoutes(),
  apiKeyRoutes(),
  auditRoutes(),
  liveRoutes(),
  notificationRoutes(),
  v1Routes(),
]

/**
 * The OpenAPI document without a running app (no database, no services): route definitions carry
 * their schemas, so mounting them on a bare router is enough. The web app's types are generated from it.
 */
export function openApiDocument() {
  const router = createRouter()
  for (const routes of apiRoutes()) router.route('/', routes)
  return withApiSecurity(router.getOpenAPI31Document(OPENAPI_INFO))
}
