/**
 * The API's shapes as the web app uses them, all derived from schema.gen.ts (generated from the
 * server's OpenAPI document by `npm run api:types`): when a route changes, tsc points at every page
 * that reads the old shape.
 */
import {
  AI_PROVIDERS,
  MEMBER_ROLES,
  PLAN_TYPES as PLAN_TYPE_LIST,
  TONES as TONE_LIST,
  WEEKDAYS as WEEKDAY_LIST,
} from '../../shared/enums'
import type { components, paths } from './schema.gen'

type Schemas = components['schemas']
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : never
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>

/** The JSON a route answers with when it succeeds (200, or 201 for a creation). */
export type ResponseOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: { 200: infer R } }
    ? JsonOf<R>
    : Operation<P, M> extends { responses: { 201: infer R } }
      ? JsonOf<R>
      : never

/** The JSON body a route accepts. */
export type BodyOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never

/**
 * A runtime list of every member of a string union, for selects and loops. The compiler refuses a
 * list that misses a member or adds one the union does not have, so the list cannot drift from the API.
 */
export const everyOf =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)): L =>
    list

export type Organization = Schemas['Organization']
export type Role = Organization['role']
export type NumberStatus = Organization['numberStatus']
export type TrainingStatus = Schemas['Training']['status']
export type PlanType = Organization['planType']
export type BusinessHours = Organization['businessHours']
export type Weekday = keyof BusinessHours['schedule']
export type Interval = NonNullable<BusinessHours['schedule'][Weekday]>[number]

/** What PATCH /api/organizations/{id} accepts. */
export type OrganizationChanges = BodyOf<'/api/organizations/{id}', 'patch'>
export type NewOrganization = BodyOf<'/api/organizations', 'post'>
/** The AI settings as the organization sends them (tone and provider are the API's enums). */
export type AiSettings = NonNullable<OrganizationChanges['ai']>
export type Tone = AiSettings['tone']

export const ROLES = everyOf<Role>()(MEMBER_ROLES)
export const WEEKDAYS = everyOf<Weekday>()(WEEKDAY_LIST)
export const PLAN_TYPES = everyOf<PlanType>()(PLAN_TYPE_LIST)
export const TONES = everyOf<Tone>()(TONE_LIST)
export const PROVIDERS = everyOf<ProviderId>()(AI_PROVIDERS)

export type Member = Schemas['Member']
export type AvailableNumber = Schemas['AvailableNumber']
export type PhoneNumber = Schemas['PhoneNumber']

export type Source = Schemas['KnowledgeSource']
export type SourceKind = Source['kind']
export type SourceStatus = Source['status']
/** The business profile's fields, as PUT …/knowledge/profile takes them. */
export type ProfileFields = BodyOf<'/api/organizations/{id}/knowledge/profile', 'put'>['fields']
/** The knowledge listing: sources (long texts as previews) and the training state. */
export type Knowledge = ResponseOf<'/api/organizations/{id}/knowledge', 'get'>
export type Training = Knowledge['training']
export type Passage = Schemas['Passage']
export type AskResult = ResponseOf<'/api/organizations/{id}/knowledge/ask', 'post'>
export type AiProvider = ResponseOf<'/api/ai/providers', 'get'>['providers'][number]
export type ProviderId = AiProvider['id']
/** What answers the organization's customers now, and what would with no choice of its own. */
export type AiModel = Organization['aiModel']

export type ConversationSummary = Schemas['ConversationSummary']
export type Message = Schemas['Message']
export type Stats = Schemas['Stats']

export type Contact = Schemas['Contact']
export type ContactPage = ResponseOf<'/api/organizations/{id}/contacts', 'get'>
/** What PATCH …/contacts/{contactId} accepts. */
export type ContactChanges = BodyOf<'/api/organizations/{id}/contacts/{contactId}', 'patch'>
/** Which contacts a segment (or a broadcast's audience) means. */
export type ContactFilter = Schemas['ContactFilter']
export type Tag = Schemas['Tag']
export type Segment = Schemas['Segment']
export type ContactImport = Schemas['ContactImport']
/** What the server understood of a CSV's first rows (and its row errors), before importing it. */
export type ImportPreview = ResponseOf<'/api/organizations/{id}/contacts/imports/preview', 'post'>

export type Broadcast = Schemas['Broadcast']
export type BroadcastStatus = Broadcast['status']
export type BroadcastRecipient = Schemas['BroadcastRecipient']
export type RecipientStatus = BroadcastRecipient['status']
export type BroadcastPreview = Schemas['BroadcastPreview']
export type BroadcastPreviewInput = BodyOf<'/api/organizations/{id}/broadcasts/preview', 'post'>
/** What POST …/broadcasts accepts: the template, a source per variable, the audience, an optional local time. */
export type NewBroadcast = BodyOf<'/api/organizations/{id}/broadcasts', 'post'>
export type Audience = NewBroadcast['audience']
/** Where a template variable's value comes from for each recipient. */
export type VariableSource = NonNullable<NewBroadcast['variables']>[string]

export type Template = Schemas['Template']
export type TemplateStatus = Template['status']
export type TemplateCategory = Template['category']
/** What POST …/templates accepts. */
export type NewTemplate = BodyOf<'/api/organizations/{id}/templates', 'post'>
/** What POST …/conversations/{conversationId}/template accepts. */
export type TemplateSend = BodyOf<'/api/organizations/{id}/conversations/{conversationId}/template', 'post'>

export type Account = Schemas['Account']
export type PhoneCodeSent = Schemas['PhoneCodeSent']
export type Invitation = Schemas['Invitation']
export type MyInvitation = Schemas['MyInvitation']
export type OperatorOrganization = Schemas['OperatorOrganization']
export type FailedInboxMessage = Schemas['FailedInboxMessage']
export type PlanChange = BodyOf<'/api/admin/organizations/{id}/plan', 'patch'>

// better-auth serves /api/auth/*, outside the OpenAPI document: its session answer is written here.
export interface SessionUser {
  id: string
  email: string
  name: string
  emailVerified: boolean
}

export interface Session {
  user: SessionUser
  session: { id: string; expiresAt: string }
}

const RANK: Record<Role, number> = { viewer: 0, agent: 1, admin: 2, owner: 3 }
/** True when `role` is at least `min` (owner > admin > agent > viewer). */
export const atLeast = (role: Role | undefined, min: Role) => role !== undefined && RANK[role] >= RANK[min]
