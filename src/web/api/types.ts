export type Role = 'owner' | 'admin' | 'agent' | 'viewer'
export type NumberStatus =
  | 'none'
  | 'purchasing'
  | 'registering'
  | 'active'
  | 'releasing'
  | 'released'
  | 'failed'
export type TrainingStatus = 'untrained' | 'training' | 'trained' | 'failed'
export type PlanType = 'starter' | 'business' | 'enterprise'

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const
export type Weekday = (typeof WEEKDAYS)[number]
export const TONES = ['friendly', 'professional', 'formal', 'casual', 'playful'] as const
export type Tone = (typeof TONES)[number]

export interface Interval {
  open: string
  close: string
}

export interface BusinessHours {
  enabled: boolean
  timezone: string
  schedule: Partial<Record<Weekday, Interval[]>>
  outOfHoursMessage: string
}

export interface AiSettings {
  tone: string
  language: string
  provider?: string
  model?: string
  escalationRules?: string
}

export interface Organization {
  id: string
  name: string
  description: string
  industry: string
  whatsappNumber: string | null
  whatsappDisplayName: string
  numberStatus: NumberStatus | string
  numberFailureReason: string | null
  planType: PlanType
  monthlyMessageLimit: number
  monthlyMessageCount: number
  lastResetDate: string
  totalConversations: number
  conversationsNeedingAttention: number
  welcomeMessage: string
  businessHours: BusinessHours
  ai: AiSettings
  isModelTrained: boolean
  trainingStatus: TrainingStatus
  trainingProgress: number
  trainingError: string | null
  trainedAt: string | null
  role: Role
  createdAt: string
  updatedAt: string
}

export interface OrganizationChanges {
  name?: string
  description?: string
  industry?: string
  whatsappDisplayName?: string | null
  welcomeMessage?: string
  businessHours?: BusinessHours
  ai?: AiSettings
}

export interface Member {
  userId: string
  email: string
  name: string
  role: Role
  joinedAt: string
}

export interface AvailableNumber {
  phoneNumber: string
  friendlyName: string
  isoCountry: string
  type: string
  locality?: string
  region?: string
}

export interface PhoneNumber {
  id: string
  phoneNumber: string
  status: string
  senderStatus: string | null
  failureReason: string | null
  isPrimary: boolean
  createdAt: string
  releasedAt: string | null
}

export type SourceKind = 'profile' | 'faq' | 'text' | 'file'

export interface ProfileFields {
  name?: string
  description?: string
  location?: string
  openingHours?: string
  contact?: string
  policies?: string
  toneOfVoice?: string
  language?: string
}

export interface Source {
  id: string
  kind: SourceKind
  title: string
  question: string | null
  /** In the knowledge list, a preview when contentTruncated; useSource gives it whole. */
  content: string
  contentLength: number
  contentTruncated: boolean
  fields: ProfileFields | null
  fileName: string | null
  mimeType: string | null
  sizeBytes: number | null
  /** An uploaded file is processing until its text is read: then ready, or failed with the reason in error. */
  status: SourceStatus
  progress: number
  error: string | null
  createdAt: string
  updatedAt: string
}

export type SourceStatus = 'processing' | 'ready' | 'failed'

export interface Training {
  status: TrainingStatus
  progress: number
  error: string | null
  trainedAt: string | null
  /** Only in the knowledge listing: sources changed after the last training. */
  changedSinceTraining?: boolean
}

export interface Passage {
  sourceId: string
  title: string
  content: string
  score: number
}

export interface AskResult {
  answer: string
  escalate: boolean
  passages: Passage[]
  model: string
  latencyMs: number
}

export interface AiProvider {
  id: string
  models: string[]
}

export interface ConversationSummary {
  id: string
  status: 'ai' | 'human' | 'closed'
  needsAttention: boolean
  lastMessageAt: string
  lastMessage: string | null
  contact: { waId: string; profileName: string | null; optedOut: boolean; simulated: boolean }
}

export interface Message {
  id: string
  direction: 'inbound' | 'outbound'
  body: string
  media: { url: string; contentType: string }[]
  status: string
  errorCode: string | null
  errorMessage: string | null
  source: string
  createdAt: string
}

export interface Stats {
  month: { inbound: number; outbound: number }
  perDay: { date: string; inbound: number; outbound: number }[]
  conversations: { total: number; thisMonth: number; open: number; needsAttention: number }
  uniqueCustomers: number
  usage: { used: number; limit: number; limitReachedAt: string | null }
  averageReplyLatencyMs: number | null
  recent: ConversationSummary[]
}

export interface SessionUser {
  id: string
  email: string
  name: string
  emailVerified: boolean
}

export interface Account {
  id: string
  email: string
  name: string
  emailVerified: boolean
  phone: string | null
  isOperator: boolean
  /** The platform's shared WhatsApp number; null when this deployment cannot link phones. */
  sharedNumber: string | null
}

export interface PhoneCodeSent {
  phone: string
  from: string
  expiresAt: string
  resendAfterSeconds: number
  /** Sandbox mode only: the message the phone would have received. */
  sandboxMessage?: string
}

export interface Invitation {
  id: string
  email: string
  role: Role
  status: 'pending' | 'accepted' | 'declined' | 'revoked'
  expired: boolean
  invitedBy: string | null
  expiresAt: string
  createdAt: string
}

export interface MyInvitation {
  id: string
  organizationId: string
  organizationName: string
  role: Role
  invitedBy: string | null
  expiresAt: string
  createdAt: string
}

export interface Session {
  user: SessionUser
  session: { id: string; expiresAt: string }
}

const RANK: Record<Role, number> = { viewer: 0, agent: 1, admin: 2, owner: 3 }
/** True when `role` is at least `min` (owner > admin > agent > viewer). */
export const atLeast = (role: Role | undefined, min: Role) => role !== undefined && RANK[role] >= RANK[min]
