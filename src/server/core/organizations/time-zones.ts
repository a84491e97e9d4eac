import { sql } from 'drizzle-orm'
import { type Db, queryRows } from '../../db/client.js'
import { isValidTimeZone } from '../usage/month.js'

// A business-hours zone is used by Intl (billing months, opening hours) and by PostgreSQL
// (`at time zone` in the stats), and the two do not know the same names: ICU still accepts
// `US/Pacific-New`, removed from the tz database in 2020, which PostgreSQL refuses. A zone is
// accepted only when both know it.

let databaseZones: Set<string> | undefined

/**
 * Learns the zone names of a database (`pg_timezone_names`), once at start. A process that opens
 * several databases (the tests: PGlite and a server) keeps only the names all of them know.
 */
export async function learnDatabaseTimeZones(db: Db): Promise<void> {
  const rows = await queryRows<{ name: string }>(db, sql`select name from pg_timezone_names`)
  const names = new Set(rows.map((r) => r.name))
  databaseZones = databaseZones ? new Set([...databaseZones].filter((z) => names.has(z))) : names
}

/** The one check for a zone: known to Intl and to the database (once learned). */
export function isSupportedTimeZone(tz: string): boolean {
  return isValidTimeZone(tz) && (databaseZones === undefined || databaseZones.has(tz))
}

/** A stored zone as it can be used in SQL: one stored before this check existed falls back to UTC. */
export function usableTimeZone(tz: string): string {
  return isSupportedTimeZone(tz) ? tz : 'UTC'
}
