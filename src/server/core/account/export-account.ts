import { and, asc, eq } from 'drizzle-orm'
import {
  invitations,
  knowledgeSources,
  memberships,
  organizations,
  session,
  user,
} from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Forbidden, NotFound } from '../errors.js'

const iso = (d: Date | null) => d?.toISOString() ?? null

/**
 * Everything the platform holds on the signed-in person (GDPR article 15, for the account): the
 * profile, memberships with each organization's name and role, invitations sent and received,
 * sessions (address, browser, dates — never tokens) and the titles of their personal knowledge
 * base's sources. A person's own account only: never through an API key.
 */
export async function exportAccount({ ctx }: { ctx: ActorCtx }) {
  if (ctx.actor.apiKey) throw new Forbidden('An API key cannot read an account')
  const userId = ctx.actor.userId
  const [u] = await ctx.db.select().from(user).where(eq(user.id, userId))
  if (!u) throw new NotFound('Account')
  const member = await ctx.db
    .select({ m: memberships, name: organizations.name })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(and(eq(memberships.userId, userId), eq(organizations.kind, 'business')))
    .orderBy(asc(memberships.createdAt))
  const invitationColumns = {
    id: invitations.id,
    organizationId: invitations.organizationId,
    organizationName: organizations.name,
    email: invitations.email,
    role: invitations.role,
    status: invitations.status,
    createdAt: invitations.createdAt,
    expiresAt: invitations.expiresAt,
    respondedAt: invitations.respondedAt,
  }
  const sent = await ctx.db
    .select(invitationColumns)
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(eq(invitations.invitedBy, userId))
    .orderBy(asc(invitations.createdAt))
  const received = await ctx.db
    .select(invitationColumns)
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(eq(invitations.email, u.email.toLowerCase()))
    .orderBy(asc(invitations.createdAt))
  const sessions = await ctx.db
    .select({
      createdAt: session.createdAt,
      updatedAt: session.updatedAt,
      expiresAt: session.expiresAt,
      ipAddress: session.ipAddress,
      userAgent: session.userAgent,
    })
    .from(session)
    .where(eq(session.userId, userId))
    .orderBy(asc(session.createdAt))
  const sources = await ctx.db
    .select({
      title: knowledgeSources.title,
      kind: knowledgeSources.kind,
      createdAt: knowledgeSources.createdAt,
    })
    .from(knowledgeSources)
    .innerJoin(organizations, eq(organizations.id, knowledgeSources.organizationId))
    .where(and(eq(organizations.kind, 'personal'), eq(organizations.personalOwnerId, userId)))
    .orderBy(asc(knowledgeSources.createdAt))
  const invitationView = (i: (typeof sent)[number]) => ({
    ...i,
    createdAt: iso(i.createdAt),
    expiresAt: iso(i.expiresAt),
    respondedAt: iso(i.respondedAt),
  })
  return {
    exportedAt: new Date().toISOString(),
    profile: {
      id: u.id,
      name: u.name,
      email: u.email,
      emailVerified: u.emailVerified,
      phone: u.phone,
      image: u.image,
      createdAt: iso(u.createdAt),
      updatedAt: iso(u.updatedAt),
    },
    memberships: member.map((r) => ({
      organizationId: r.m.organizationId,
      organizationName: r.name,
      role: r.m.role,
      since: iso(r.m.createdAt),
    })),
    invitationsSent: sent.map(invitationView),
    invitationsReceived: received.map(invitationView),
    sessions: sessions.map((s) => ({
      ipAddress: s.ipAddress,
      userAgent: s.userAgent,
      createdAt: iso(s.createdAt),
      lastActiveAt: iso(s.updatedAt),
      expiresAt: iso(s.expiresAt),
    })),
    personalKnowledgeSources: sources.map((s) => ({
      title: s.title,
      kind: s.kind,
      createdAt: iso(s.createdAt),
    })),
  }
}
