// Contact import speed: a 100,000-row CSV uploaded through the API and imported by its job, on
// PGlite and on PostgreSQL: time to accept the upload, time to import, rows/s, the event loop's
// worst stall while importing, peak memory. `npm run bench -- import`, or `tsx bench/contact-import.ts`.
import { cpus, loadavg } from 'node:os'
import { openPostgres } from '../src/server/db/client.js'
import { api, createOrganization, signUp } from '../test/support/factories.js'
import { startTestRuntime } from '../test/support/runtime.js'
import { createScratchDatabase } from './scratch-database.js'

const progress = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`)
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000)

function contactsCsv(rows: number) {
  const lines = ['phone,name,tags,opt_in,city,plan']
  for (let i = 0; i < rows; i++)
    lines.push(
      `+1650${String(i).padStart(7, '0')},Customer ${i},${i % 2 ? 'odd' : 'even'};bulk,${i % 3 ? 'yes' : ''},City ${i % 50},p${i % 7}`,
    )
  return lines.join('\n')
}

async function importOnce(label: string, database?: Awaited<ReturnType<typeof openPostgres>>) {
  const rt = await startTestRuntime(database ? { database } : {})
  try {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const csv = contactsCsv(ROWS)
    const form = new FormData()
    form.append('file', new File([csv], 'contacts.csv', { type: 'text/csv' }))
    let stall = 0
    let last = performance.now()
    const lag = setInterval(() => {
      stall = Math.max(stall, performance.now() - last - 10)
      last = performance.now()
    }, 10)
    let peakRss = process.memoryUsage().rss
    const t0 = performance.now()
    const res = await api(rt, owner, 'POST', `/api/organizations/${org.id}/contacts/imports`, form)
    if (res.status !== 202) throw new Error(`upload refused: ${res.status} ${JSON.stringify(res.body)}`)
    const accepted = performance.now() - t0
    stall = 0
    let done: { status: string; processedRows: number; createdCount: number } | undefined
    while (!done) {
      await new Promise((r) => setTimeout(r, 100))
      peakRss = Math.max(peakRss, process.memoryUsage().rss)
      const got = await api(
        rt,
        owner,
        'GET',
        `/api/organizations/${org.id}/contacts/imports/${res.body.import.id}`,
      )
      if (got.body.import.status === 'done' || got.body.import.status === 'failed') done = got.body.import
    }
    clearInterval(lag)
    const imported = performance.now() - t0 - accepted
    if (done.status !== 'done' || done.createdCount !== ROWS)
      throw new Error(`import ended ${JSON.stringify(done)}`)
    progress(`${label}: accepted in ${Math.round(accepted)} ms, imported in ${Math.round(imported)} ms`)
    return `| ${label} | ${(csv.length / 2 ** 20).toFixed(1)} MB | ${Math.round(accepted)} | ${(imported / 1000).toFixed(1)} | ${Math.round(ROWS / (imported / 1000))} | ${Math.round(stall)} | ${Math.round(peakRss / 2 ** 20)} |`
  } finally {
    await rt.close()
  }
}

export async function benchContactImport(): Promise<string[]> {
  const out = [
    `Contact import: ${ROWS.toLocaleString('en')} rows through POST …/contacts/imports, imported by the job in batches of 1,000 (${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)})`,
    '',
    '| database | file | upload accepted ms | import s | rows/s | worst event-loop stall ms | peak RSS MB |',
    '|---|---|---|---|---|---|---|',
  ]
  progress(`import: ${ROWS} rows on PGlite`)
  out.push(await importOnce('PGlite'))
  const scratch = await createScratchDatabase('bench_import')
  try {
    progress(`import: ${ROWS} rows on PostgreSQL`)
    const database = await openPostgres(scratch.url)
    try {
      out.push(await importOnce('PostgreSQL', database))
    } finally {
      await database.close()
    }
  } finally {
    await scratch.drop()
  }
  return out
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log((await benchContactImport()).join('\n'))
}
