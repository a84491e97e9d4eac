import { sql } from 'drizzle-orm'
import { rowsOf } from '../../db/client.js'
import type { Ctx } from '../context.js'
import { dbOf } from '../context.js'

/** One source of an organization's trained knowledge, as the prompt carries it. */
export interface KnowledgeSection {
  sourceId: string
  kind: 'profile' | 'faq' | 'text' | 'file'
  /** The FAQ question, the document's title, or the profile's label. */
  title: string
  /** The passages of the source in their order, each with the headings above it. */
  text: string
}

/**
 * Estimated tokens of a text. Tokenizers of current models (BPE) average about 4 characters per
 * token in English and 3 to 3.5 in French or Spanish, whose accents and longer words split more;
 * 3.5 characters per token keeps the estimate on the safe side for the languages served without
 * shipping a tokenizer per model.
 */
export const estimateTokens = (chars: number) => Math.ceil(chars / 3.5)

/** The knowledge of one generation, whole, and its estimated size. */
export interface WholeKnowledge {
  sections: KnowledgeSection[]
  tokens: number
}

const MAX_CACHED = 500
/** Per organization, generation and budget (a generation never changes once switched to); null: over budget. */
const cache = new Map<string, WholeKnowledge | null>()

/**
 * Everything the organization's current knowledge generation holds, by source (profile, each FAQ,
 * each document, in the order they were added), when the estimated tokens of its passages (their
 * text, headings and FAQ questions) fit `budgetTokens`; undefined when they do not (or nothing is
 * trained), and the caller retrieves passages instead. Only this organization's chunks of this
 * generation are read.
 */
export async function wholeKnowledge(
  ctx: Ctx,
  input: { organizationId: string; generation: number; budgetTokens: number },
): Promise<WholeKnowledge | undefined> {
  if (input.budgetTokens <= 0 || input.generation <= 0) return undefined
  const key = `${input.organizationId}:${input.generation}:${input.budgetTokens}`
  const cached = cache.get(key)
  if (cached !== undefined) return cached ?? undefined
  // The text is only read when its size fits: a large knowledge base costs one sum over an index.
  const rows = rowsOf(
    await dbOf(ctx).execute(sql`
      with total as (
        select coalesce(sum(length(content) + length(heading) + coalesce(length(question), 0)), 0)::int as chars
        from knowledge_chunks
        where organization_id = ${input.organizationId} and generation = ${input.generation}
      )
      select t.chars, k.source_id, k.kind, k.title, k.heading, k.question, k.content
      from total t
      left join lateral (
        select c.source_id, s.kind, s.title, c.heading, c.question, c.content, c.position
        from knowledge_chunks c
        join knowledge_sources s on s.id = c.source_id and s.organization_id = c.organization_id
        where c.organization_id = ${input.organizationId} and c.generation = ${input.generation}
          and t.chars > 0 and ceil(t.chars / 3.5) <= ${input.budgetTokens}
      ) k on true
      order by k.position
    `),
  )
  const tokens = estimateTokens(Number(rows[0]?.chars ?? 0))
  const chunks = rows.filter((r) => r.source_id != null)
  const result = chunks.length > 0 ? { sections: sectionsOf(chunks), tokens } : null
  cache.set(key, result)
  if (cache.size > MAX_CACHED) {
    const oldest = cache.keys().next().value
    if (oldest !== undefined) cache.delete(oldest)
  }
  return result ?? undefined
}

const KINDS: readonly KnowledgeSection['kind'][] = ['profile', 'faq', 'text', 'file']
const kindOf = (value: unknown): KnowledgeSection['kind'] => {
  const kind = KINDS.find((k) => k === value)
  if (!kind) throw new Error(`unknown knowledge source kind ${String(value)}`)
  return kind
}

/** Chunks in position order → one section per source, each chunk under its own headings. */
function sectionsOf(rows: Record<string, unknown>[]): KnowledgeSection[] {
  const sections = new Map<string, KnowledgeSection & { lastHeading: string }>()
  for (const r of rows) {
    const sourceId = String(r.source_id)
    const kind = kindOf(r.kind)
    const heading = String(r.heading ?? '')
    const content = String(r.content ?? '').trim()
    let section = sections.get(sourceId)
    if (!section) {
      const title = kind === 'faq' ? String(r.question ?? r.title ?? '') : String(r.title ?? '')
      section = { sourceId, kind, title, text: '', lastHeading: kind === 'faq' ? '' : title }
      sections.set(sourceId, section)
    }
    // The profile's passages are each one field under its label; elsewhere a heading is written
    // once above the passages under it.
    const passage =
      kind === 'profile'
        ? `${heading}: ${content}`
        : `${heading && heading !== section.lastHeading ? `${heading}\n` : ''}${content}`
    section.text = [section.text, passage].filter(Boolean).join(kind === 'profile' ? '\n' : '\n\n')
    if (heading) section.lastHeading = heading
  }
  return [...sections.values()].map(({ lastHeading: _, ...s }) => s)
}
