// Uploads that try to exhaust the server: decompression bombs, files past the extraction limits,
// and large files read and trained while the server keeps answering. Every bomb is generated here.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { threadId } from 'node:worker_threads'
import { PDFDocument } from 'pdf-lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BadRequest } from '../src/server/core/errors.js'
import { EXTRACTION_LIMITS } from '../src/server/core/knowledge/schemas.js'
import { runTextTask } from '../src/server/core/knowledge/text-thread.js'
import { docx, pdfBomb, zip } from './support/bombs.js'
import { first } from './support/defined.js'
import { api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'

let rt: TestRuntime
let owner: TestUser
let orgId: string
beforeAll(async () => {
  rt = await startTestRuntime()
  owner = await signUp(rt)
  // Files up to 10 MB and millions of characters: Enterprise's knowledge allowance (issue 17).
  orgId = (await createOrganization(rt, owner, { planType: 'enterprise' })).id
})
afterAll(async () => {
  await rt?.close()
})

const kb = (id: string) => `/api/organizations/${id}/knowledge`
const MB = 1024 * 1024

async function upload(fileName: string, bytes: Uint8Array | string, org = orgId) {
  const form = new FormData()
  form.append('file', new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)]), fileName)
  const res = await rt.request(`${kb(org)}/files`, {
    method: 'POST',
    headers: { cookie: owner.cookie },
    body: form,
  })
  type Body = {
    source: { id: string; status: string }
    error: { code: string; message: string; details: { path: string; limit?: string; max?: number }[] }
  }
  return { status: res.status, body: (await res.json()) as Body }
}

async function settled(sourceId: string, org = orgId, timeoutMs = 90_000) {
  return waitFor(
    async () => {
      const { source } = (await api(rt, owner, 'GET', `${kb(org)}/${sourceId}`)).body
      return source.status === 'processing' ? null : source
    },
    { timeoutMs, what: `source ${sourceId} read or refused` },
  )
}

const sourceCount = async (org = orgId) =>
  (await api(rt, owner, 'GET', kb(org))).body.sources.length as number

describe('decompression bombs and files over the limits', () => {
  it('refuses at once a DOCX whose zip directory declares a part of hundreds of MB, storing nothing', async () => {
    const before = await sourceCount()
    const bomb = docx(200)
    expect(bomb.byteLength).toBeLessThan(2 * MB)
    const res = await upload('bomb.docx', bomb)
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: 'BAD_REQUEST' })
    expect(res.body.error.message).toMatch(
      /word\/document\.xml expands to 200 MB; each part may expand to at most 32 MB/,
    )
    expect(res.body.error.details[0]).toMatchObject({
      path: 'file',
      limit: 'zipEntryBytes',
      max: EXTRACTION_LIMITS.zipEntryBytes,
    })
    expect(await sourceCount()).toBe(before)
  })

  it('refuses at once a DOCX with more parts than allowed', async () => {
    const entries = Array.from({ length: EXTRACTION_LIMITS.zipEntries + 1 }, (_, i) => ({
      name: `word/part${i}.xml`,
      data: Buffer.from('<x/>'),
    }))
    const res = await upload('many.docx', zip(entries))
    expect(res.status).toBe(400)
    expect(res.body.error.details[0]).toMatchObject({
      limit: 'zipEntries',
      max: EXTRACTION_LIMITS.zipEntries,
    })
  })

  it('stops inflating a DOCX part that lies about its size, and marks the file failed naming the limit', async () => {
    const before = await sourceCount()
    // Declares 2 KB, inflates to 200 MB: only reading it shows that.
    const res = await upload('liar.docx', docx(200, { declaredSize: 2048 }))
    expect(res.status).toBe(202)
    expect(res.body.source.status).toBe('processing')
    const source = await settled(res.body.source.id)
    expect(source).toMatchObject({ status: 'failed', content: '', contentLength: 0 })
    expect(source.error).toMatch(/word\/document\.xml expands beyond the 2,048 bytes its archive declares/)
    const bytes = await rt.database.sql.executeSql('select file_bytes from knowledge_sources where id = $1', [
      source.id,
    ])
    expect(first(bytes.rows, 'the source').file_bytes).toBeNull()
    // The failed file is listed with its reason and can be deleted.
    expect(await sourceCount()).toBe(before + 1)
    expect((await api(rt, owner, 'DELETE', `${kb(orgId)}/${source.id}`)).status).toBe(200)
    expect(await sourceCount()).toBe(before)
  })

  it('reads a small honest DOCX built the same way', async () => {
    const res = await upload('small.docx', docx(1))
    expect(res.status).toBe(202)
    const source = await settled(res.body.source.id)
    expect(source.status).toBe('ready')
    expect(source.content.startsWith('All work and no play makes Jack a dull boy.')).toBe(true)
  })

  it('stops reading a PDF whose one flate stream inflates to hundreds of MB of text', async () => {
    const bomb = pdfBomb(150)
    expect(bomb.byteLength).toBeLessThan(2 * MB)
    const res = await upload('bomb.pdf', bomb)
    expect(res.status).toBe(202)
    const source = await settled(res.body.source.id)
    expect(source.status).toBe('failed')
    expect(source.error).toMatch(/page 1 holds more than 200,000 characters/)
    expect(source.contentLength).toBe(0)
  })

  it('refuses a PDF with more pages than allowed', async () => {
    const doc = await PDFDocument.create()
    for (let i = 0; i <= EXTRACTION_LIMITS.pdfPages; i++) doc.addPage([200, 200])
    const res = await upload('long.pdf', await doc.save())
    expect(res.status).toBe(202)
    const source = await settled(res.body.source.id)
    expect(source.status).toBe('failed')
    expect(source.error).toMatch(/it has 2,001 pages; a PDF may have at most 2,000/)
  })

  it('refuses at once a CSV with more rows than allowed', async () => {
    const before = await sourceCount()
    const csv = `Item,Price\n${'Bolt,1\n'.repeat(EXTRACTION_LIMITS.csvRows + 1)}`
    const res = await upload('rows.csv', csv)
    expect(res.status).toBe(400)
    expect(res.body.error.message).toMatch(/more than 100,000 rows/)
    expect(res.body.error.details[0]).toMatchObject({ limit: 'csvRows', max: EXTRACTION_LIMITS.csvRows })
    expect(await sourceCount()).toBe(before)
    // Exactly at the limit is fine at once.
    const atLimit = await upload('rows.csv', `Item,Price\n${'Bolt,1\n'.repeat(1000)}`)
    expect(atLimit.status).toBe(202)
  })

  it('stops a CSV whose facts (headers repeated on every row) would pass the character limit', async () => {
    const headers = Array.from(
      { length: 200 },
      (_, i) => `Column ${i} ${'with a very long descriptive header name '.repeat(4)}`,
    )
    const row = Array.from({ length: 200 }, () => 'x').join(',')
    const csv = `${headers.join(',')}\n${`${row}\n`.repeat(3000)}`
    expect(csv.length).toBeLessThan(2 * MB)
    const res = await upload('wide.csv', csv)
    expect(res.status).toBe(202)
    const source = await settled(res.body.source.id)
    expect(source.status).toBe('failed')
    expect(source.error).toMatch(/longer than 10,000,000 characters/)
  })
})

describe('the text worker thread', () => {
  const task = {
    kind: 'extract' as const,
    input: { fileName: 'a.csv', bytes: new TextEncoder().encode('Dish,Price\nSoup,5\n') },
  }

  it('reads a file in another thread', async () => {
    const { value, threadId: workerThread } = await runTextTask(task)
    expect(value.text).toBe('Dish: Soup; Price: 5')
    expect(workerThread).not.toBe(threadId)
  })

  it('terminates a thread over its time budget and says which limit', async () => {
    const err = await runTextTask(task, { timeoutMs: 1 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BadRequest)
    expect((err as BadRequest).message).toMatch(/reading this file took longer than/)
    expect((err as BadRequest).details).toEqual([
      expect.objectContaining({ path: 'file', limit: 'extractMs', max: 1 }),
    ])
  })

  it('stops a thread over its memory budget and says which limit', async () => {
    const err = await runTextTask(task, { heapMb: 2 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BadRequest)
    expect((err as BadRequest).details).toEqual([expect.objectContaining({ limit: 'workerHeapMb', max: 2 })])
  })

  it('chunks in another thread; a training that runs over is an error, not a 400', async () => {
    const source = {
      id: 's1',
      kind: 'text' as const,
      title: 'Guide',
      question: null,
      content: '# Hours\n\nOpen daily.',
      fields: null,
      mimeType: null,
    }
    const { value, threadId: workerThread } = await runTextTask({
      kind: 'chunk',
      sources: [source],
      labels: {},
    })
    expect(value).toEqual([
      { heading: 'Guide › Hours', content: 'Open daily.', sourceId: 's1', question: null },
    ])
    expect(workerThread).not.toBe(threadId)
    const err = await runTextTask({ kind: 'chunk', sources: [source], labels: {} }, { timeoutMs: 1 }).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(Error)
    expect(err).not.toBeInstanceOf(BadRequest)
    expect((err as Error).message).toMatch(/splitting the knowledge into passages took longer than/)
  })
})

describe('the server keeps answering', () => {
  it('answers /healthz while a large file is read and trained', async () => {
    const user = await signUp(rt)
    const org = await createOrganization(rt, user, { planType: 'enterprise' })
    const lines = Array.from({ length: 60_000 }, (_, i) =>
      i % 50 === 0
        ? `\nSection ${i / 50}\n`
        : `Item ${i} is a sturdy oak shelf, handmade, delivered in a week for ${i % 90} EUR.`,
    )
    const text = lines.join('\n')
    expect(text.length).toBeGreaterThan(4 * MB)

    const delay = monitorEventLoopDelay({ resolution: 10 })
    delay.enable()
    const state: { phase: 'reading' | 'training' | 'done' } = { phase: 'reading' }
    const answered = { reading: 0, training: 0 }
    let failures = 0
    const pinging = (async () => {
      while (state.phase !== 'done') {
        const phase = state.phase
        const res = await rt.request('/healthz')
        if (res.status === 200) answered[phase]++
        else if (res.status !== 200) failures++
        await new Promise((r) => setTimeout(r, 20))
      }
    })()

    const form = new FormData()
    form.append('file', new Blob([text]), 'catalogue.txt')
    const res = await rt.request(`${kb(org.id)}/files`, {
      method: 'POST',
      headers: { cookie: user.cookie },
      body: form,
    })
    expect(res.status).toBe(202)
    const sourceId = ((await res.json()) as { source: { id: string } }).source.id
    const readAndTrain = async () => {
      const status = await waitFor(
        async () => {
          const s = (await api(rt, user, 'GET', `${kb(org.id)}/${sourceId}`)).body.source.status
          return s === 'processing' ? null : s
        },
        { timeoutMs: 120_000, intervalMs: 50, what: 'the catalogue read' },
      )
      expect(status).toBe('ready')
      state.phase = 'training'
      expect((await api(rt, user, 'POST', `/api/organizations/${org.id}/train`)).status).toBe(202)
      return waitFor(
        async () => {
          const s = (await api(rt, user, 'GET', kb(org.id))).body.training.status
          return s === 'training' ? null : s
        },
        { timeoutMs: 120_000, intervalMs: 50, what: 'the catalogue trained' },
      )
    }
    // The pinger stops whatever happens, so a failure here does not leave it running.
    const training = await readAndTrain().finally(() => {
      state.phase = 'done'
    })
    await pinging
    delay.disable()
    expect(training).toBe('trained')
    // The health check was answered during the reading and during the training (not after them).
    expect(failures).toBe(0)
    expect(answered.reading).toBeGreaterThan(0)
    expect(answered.training).toBeGreaterThan(0)
    console.info(
      `event-loop delay while reading and training a ${(text.length / MB).toFixed(1)} MB file: p50 ${(delay.percentile(50) / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, max ${(delay.max / 1e6).toFixed(0)} ms; /healthz answered ${answered.reading} times while reading, ${answered.training} while training`,
    )
  }, 180_000)
})
