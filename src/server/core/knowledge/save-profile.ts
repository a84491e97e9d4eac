import { and, eq } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { knowledgeSources } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { authorizeKnowledgeBase } from './knowledge-base.js'
import { PROFILE_FIELDS, type ProfileInput } from './schemas.js'
import { sourceView } from './view.js'

export const PROFILE_LABELS: Record<(typeof PROFILE_FIELDS)[number], string> = {
  name: 'Business name',
  description: 'What we do',
  location: 'Address and location',
  openingHours: 'Opening hours',
  contact: 'Contact',
  policies: 'Policies',
  toneOfVoice: 'Tone of voice',
  language: 'Language',
}

type ProfileLabels = Record<(typeof PROFILE_FIELDS)[number], string>

/** Labels in the organization's language: they head the profile's passages, which customers search in that language. */
const LOCALIZED_LABELS: Record<string, ProfileLabels> = {
  fr: {
    name: "Nom de l'entreprise",
    description: 'Ce que nous faisons',
    location: 'Adresse et emplacement',
    openingHours: "Horaires d'ouverture",
    contact: 'Contact',
    policies: 'Conditions et règles',
    toneOfVoice: 'Ton',
    language: 'Langue',
  },
  es: {
    name: 'Nombre del negocio',
    description: 'Lo que hacemos',
    location: 'Dirección y ubicación',
    openingHours: 'Horario de apertura',
    contact: 'Contacto',
    policies: 'Políticas y condiciones',
    toneOfVoice: 'Tono',
    language: 'Idioma',
  },
  pt: {
    name: 'Nome do negócio',
    description: 'O que fazemos',
    location: 'Endereço e localização',
    openingHours: 'Horário de funcionamento',
    contact: 'Contacto',
    policies: 'Políticas e condições',
    toneOfVoice: 'Tom',
    language: 'Idioma',
  },
  de: {
    name: 'Name des Unternehmens',
    description: 'Was wir tun',
    location: 'Adresse und Lage',
    openingHours: 'Öffnungszeiten',
    contact: 'Kontakt',
    policies: 'Richtlinien und Bedingungen',
    toneOfVoice: 'Ton',
    language: 'Sprache',
  },
  it: {
    name: "Nome dell'attività",
    description: 'Cosa facciamo',
    location: 'Indirizzo e posizione',
    openingHours: 'Orari di apertura',
    contact: 'Contatti',
    policies: 'Politiche e condizioni',
    toneOfVoice: 'Tono',
    language: 'Lingua',
  },
}

export function profileLabelsFor(language: string | undefined): ProfileLabels {
  const key = (language ?? '').toLowerCase().split(/[-_]/)[0] ?? ''
  const byName: Record<string, string> = {
    french: 'fr',
    spanish: 'es',
    portuguese: 'pt',
    german: 'de',
    italian: 'it',
  }
  return LOCALIZED_LABELS[byName[key] ?? key] ?? PROFILE_LABELS
}

/** The profile as text, one labelled line per field (what training indexes). */
export function profileText(fields: Record<string, string>): string {
  return PROFILE_FIELDS.flatMap((f) => {
    const value = fields[f]?.trim()
    return value ? [`${PROFILE_LABELS[f]}: ${value}`] : []
  }).join('\n')
}

/** Creates or replaces the business profile (one per knowledge base). Empty fields are dropped. */
export async function saveProfile({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: ProfileInput & { organizationId: string }
}) {
  await authorizeKnowledgeBase(ctx, input.organizationId, 'knowledge:write')
  const fields = Object.fromEntries(
    Object.entries(input.fields).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '',
    ),
  )
  return ctx.db.transaction(async (tx) => sourceView(await upsertProfile(tx, input.organizationId, fields)))
}

/**
 * Creates or replaces the profile's fields in an open transaction (the profile row is locked, so
 * two saves at once leave one profile). Returns the row.
 */
export async function upsertProfile(tx: Tx, organizationId: string, fields: Record<string, string>) {
  const [existing] = await tx
    .select({ id: knowledgeSources.id })
    .from(knowledgeSources)
    .where(and(eq(knowledgeSources.organizationId, organizationId), eq(knowledgeSources.kind, 'profile')))
    .limit(1)
    .for('update')
  const values = {
    title: fields.name || 'Business profile',
    content: profileText(fields),
    fields,
    updatedAt: new Date(),
  }
  const [row] = existing
    ? await tx
        .update(knowledgeSources)
        .set(values)
        .where(and(eq(knowledgeSources.id, existing.id), eq(knowledgeSources.organizationId, organizationId)))
        .returning()
    : await tx
        .insert(knowledgeSources)
        .values({ ...values, organizationId, kind: 'profile' })
        .returning()
  if (!row) throw new Error('the profile was neither updated nor inserted')
  return row
}
