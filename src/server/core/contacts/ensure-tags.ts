import { and, eq, sql } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { tags } from '../../db/schema/index.js'

/** Colours given to tags made on the fly (a tag typed on a contact, a CSV's tags column). */
const PALETTE = ['#ef4444', '#f97316', '#eab308', '#22c55e', '#14b8a6', '#3b82f6', '#8b5cf6', '#ec4899']

/** The default colour of a new tag: one of the palette, always the same for the same name. */
export function defaultTagColor(name: string) {
  let h = 0
  for (const ch of name.toLowerCase()) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0
  return PALETTE[h % PALETTE.length] ?? '#64748b'
}

/**
 * Makes sure every one of these tag names exists in the organization's tags table (so it always
 * covers what contacts carry), creating the missing ones with a default colour. Names match
 * case-insensitively: "vip" on a contact becomes the existing "VIP". Returns a function giving
 * the stored spelling of a name, and the list of a contact's tags in it (duplicates dropped).
 */
export async function ensureTags(db: Tx, organizationId: string, names: Iterable<string>) {
  const wanted = new Map<string, string>()
  for (const n of names) if (!wanted.has(n.toLowerCase())) wanted.set(n.toLowerCase(), n)
  const canonical = new Map<string, string>()
  if (wanted.size > 0) {
    const lowered = [...wanted.keys()]
    const existing = () =>
      db
        .select({ name: tags.name })
        .from(tags)
        .where(
          and(
            eq(tags.organizationId, organizationId),
            sql`lower(${tags.name}) = any(${sql`array[${sql.join(
              lowered.map((l) => sql`${l}`),
              sql`, `,
            )}]::text[]`})`,
          ),
        )
    for (const r of await existing()) canonical.set(r.name.toLowerCase(), r.name)
    const missing = [...wanted].filter(([lower]) => !canonical.has(lower)).map(([, name]) => name)
    if (missing.length > 0) {
      await db
        .insert(tags)
        .values(missing.map((name) => ({ organizationId, name, color: defaultTagColor(name) })))
        .onConflictDoNothing()
      for (const r of await existing())
        if (!canonical.has(r.name.toLowerCase())) canonical.set(r.name.toLowerCase(), r.name)
    }
  }
  const spell = (name: string) => canonical.get(name.toLowerCase()) ?? name
  return { spell, list: (list: readonly string[]) => [...new Set(list.map(spell))] }
}
