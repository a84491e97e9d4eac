import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow } from 'docx'
import { PDFDocument, StandardFonts } from 'pdf-lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { knowledgeHandlers } from '../src/server/jobs/handlers/knowledge.js'
import { defined, first } from './support/defined.js'
import { addMember, api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

const kb = (orgId: string) => `/api/organizations/${orgId}/knowledge`

async function upload(
  user: TestUser | undefined,
  orgId: string,
  fileName: string,
  bytes: Uint8Array | string,
  type = '',
) {
  const form = new FormData()
  form.append(
    'file',
    new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type }),
    fileName,
  )
  const res = await rt.request(`${kb(orgId)}/files`, {
    method: 'POST',
    headers: user ? { cookie: user.cookie } : {},
    body: form,
  })
  return {
    status: res.status,
    body: (await res.json()) as {
      source: Record<string, unknown> & { id: string; content: string }
      error: { code: string; message: string; details: { path: string; limit?: string; max?: number }[] }
    },
  }
}

type SourceBody = Record<string, unknown> & {
  id: string
  content: string
  status: string
  error: string | null
}

/** Waits until an uploaded file's text has been read (ready) or refused (failed), and returns the whole source. */
async function settled(
  user: TestUser,
  orgId: string,
  sourceId: string,
  timeoutMs = 30_000,
): Promise<SourceBody> {
  return waitFor(
    async () => {
      const res = await api(rt, user, 'GET', `${kb(orgId)}/${sourceId}`)
      if (res.status !== 200) throw new Error(`GET source: ${res.status}`)
      return res.body.source.status === 'processing' ? null : (res.body.source as SourceBody)
    },
    { timeoutMs, what: `source ${sourceId} read or refused` },
  )
}

/** Uploads a file, expects 202 processing, and waits for its text. */
async function uploadRead(
  user: TestUser,
  orgId: string,
  fileName: string,
  bytes: Uint8Array | string,
  type = '',
) {
  const res = await upload(user, orgId, fileName, bytes, type)
  expect(res.status, JSON.stringify(res.body)).toBe(202)
  expect(res.body.source).toMatchObject({ status: 'processing', progress: 0, error: null })
  return { upload: res.body.source, source: await settled(user, orgId, res.body.source.id) }
}

async function waitForTraining(user: TestUser, orgId: string, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const { training } = (await api(rt, user, 'GET', kb(orgId))).body
      return training.status === 'trained' || training.status === 'failed' ? training : null
    },
    { timeoutMs, what: `training of ${orgId} trained or failed` },
  )
}

async function pdfWith(lines: string[]) {
  const doc = await PDFDocument.create()
  const font = await doc.embedFont(StandardFonts.Helvetica)
  const page = doc.addPage([595, 842])
  for (const [i, line] of lines.entries()) page.drawText(line, { x: 50, y: 780 - i * 20, size: 12, font })
  return doc.save()
}

async function docxWith() {
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: 'Desserts', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('Our pastry chef bakes every morning.'),
          new Table({
            rows: [
              new TableRow({
                children: [
                  new TableCell({ children: [new Paragraph('Dish')] }),
                  new TableCell({ children: [new Paragraph('Price')] }),
                ],
              }),
              new TableRow({
                children: [
                  new TableCell({ children: [new Paragraph('Pistachio tiramisu')] }),
                  new TableCell({ children: [new Paragraph('7.50 EUR')] }),
                ],
              }),
            ],
          }),
        ],
      },
    ],
  })
  return new Uint8Array(await Packer.toBuffer(doc))
}

describe('knowledge sources API', () => {
  it('creates, lists, edits and deletes FAQs, texts and the profile', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)

    const empty = await api(rt, owner, 'GET', kb(org.id))
    expect(empty.status).toBe(200)
    expect(empty.body).toEqual({
      sources: [],
      training: {
        status: 'untrained',
        progress: 0,
        error: null,
        trainedAt: null,
        changedSinceTraining: false,
      },
    })

    const faq = await api(rt, owner, 'POST', kb(org.id), {
      kind: 'faq',
      question: 'Do you deliver?',
      content: 'Yes, within 5 km.',
    })
    expect(faq.status).toBe(201)
    expect(faq.body.source).toMatchObject({
      kind: 'faq',
      question: 'Do you deliver?',
      content: 'Yes, within 5 km.',
      title: 'Do you deliver?',
      fileName: null,
    })

    const text = await api(rt, owner, 'POST', kb(org.id), {
      kind: 'text',
      title: 'Parking',
      content: 'Free parking behind the shop.',
    })
    expect(text.status).toBe(201)

    const profile = await api(rt, owner, 'PUT', `${kb(org.id)}/profile`, {
      fields: { name: 'Chez Paul', openingHours: 'Mon-Fri 9:00-17:00', location: '' },
    })
    expect(profile.status).toBe(200)
    expect(profile.body.source.kind).toBe('profile')
    expect(profile.body.source.fields).toEqual({ name: 'Chez Paul', openingHours: 'Mon-Fri 9:00-17:00' })
    expect(profile.body.source.content).toBe('Business name: Chez Paul\nOpening hours: Mon-Fri 9:00-17:00')
    // PUT again replaces the one profile.
    const again = await api(rt, owner, 'PUT', `${kb(org.id)}/profile`, { fields: { name: 'Chez Paulette' } })
    expect(again.body.source.id).toBe(profile.body.source.id)

    const edited = await api(rt, owner, 'PATCH', `${kb(org.id)}/${faq.body.source.id}`, {
      question: 'Do you deliver at home?',
    })
    expect(edited.status).toBe(200)
    expect(edited.body.source).toMatchObject({
      question: 'Do you deliver at home?',
      title: 'Do you deliver at home?',
      content: 'Yes, within 5 km.',
    })

    const list = await api(rt, owner, 'GET', kb(org.id))
    expect(list.body.sources.map((s: { kind: string }) => s.kind)).toEqual(['profile', 'faq', 'text'])
    expect(list.body.sources[0].fields).toEqual({ name: 'Chez Paulette' })

    const deleted = await api(rt, owner, 'DELETE', `${kb(org.id)}/${text.body.source.id}`)
    expect(deleted).toMatchObject({ status: 200, body: { deleted: true } })
    expect((await api(rt, owner, 'DELETE', `${kb(org.id)}/${text.body.source.id}`)).status).toBe(404)
    expect((await api(rt, owner, 'GET', kb(org.id))).body.sources).toHaveLength(2)
  })

  it('refuses invalid input with 400 and the field', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const cases: [unknown, string][] = [
      [{ kind: 'faq', question: '', content: 'x' }, 'question'],
      [{ kind: 'faq', question: 'Q?' }, 'content'],
      [{ kind: 'text', content: 'no title' }, 'title'],
      [{ kind: 'file', title: 'x', content: 'y' }, 'kind'],
      [{ kind: 'text', title: 'T', content: 'C', extra: 1 }, ''],
    ]
    for (const [body, path] of cases) {
      const res = await api(rt, owner, 'POST', kb(org.id), body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
      if (path) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path)
    }
    const badProfile = await api(rt, owner, 'PUT', `${kb(org.id)}/profile`, {
      fields: { favouriteColour: 'blue' },
    })
    expect(badProfile.status).toBe(400)
    const text = await api(rt, owner, 'POST', kb(org.id), { kind: 'text', title: 'T', content: 'C' })
    const noChange = await api(rt, owner, 'PATCH', `${kb(org.id)}/${text.body.source.id}`, {})
    expect(noChange.status).toBe(400)
    const questionOnText = await api(rt, owner, 'PATCH', `${kb(org.id)}/${text.body.source.id}`, {
      question: 'Q?',
    })
    expect(questionOnText.status).toBe(400)
    expect(questionOnText.body.error.details[0].path).toBe('question')
    const emptyAsk = await api(rt, owner, 'POST', `${kb(org.id)}/ask`, { question: '   ' })
    expect(emptyAsk.status).toBe(400)
  })

  it('enforces tenancy and roles: no session 401, other tenant 404, viewer/agent writes 403', async () => {
    const owner = await signUp(rt)
    const stranger = await signUp(rt)
    const viewer = await signUp(rt)
    const agent = await signUp(rt)
    const admin = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    await addMember(rt, owner, org.id, agent, 'agent')
    await addMember(rt, owner, org.id, admin, 'admin')
    const faq = await api(rt, owner, 'POST', kb(org.id), {
      kind: 'faq',
      question: 'Secret?',
      content: 'The owner only.',
    })
    const sourcePath = `${kb(org.id)}/${faq.body.source.id}`

    const writes: [string, string, unknown][] = [
      ['POST', kb(org.id), { kind: 'text', title: 'T', content: 'C' }],
      ['PUT', `${kb(org.id)}/profile`, { fields: { name: 'X' } }],
      ['PATCH', sourcePath, { content: 'changed' }],
      ['DELETE', sourcePath, undefined],
      ['POST', `/api/organizations/${org.id}/train`, undefined],
    ]
    for (const [method, path, body] of writes) {
      expect((await api(rt, undefined, method, path, body)).status, `${method} ${path} anonymous`).toBe(401)
      expect((await api(rt, stranger, method, path, body)).status, `${method} ${path} stranger`).toBe(404)
      expect((await api(rt, viewer, method, path, body)).status, `${method} ${path} viewer`).toBe(403)
      expect((await api(rt, agent, method, path, body)).status, `${method} ${path} agent`).toBe(403)
    }
    expect((await upload(undefined, org.id, 'a.txt', 'hello')).status).toBe(401)
    expect((await upload(stranger, org.id, 'a.txt', 'hello')).status).toBe(404)
    expect((await upload(viewer, org.id, 'a.txt', 'hello')).status).toBe(403)

    // Reads: every member; nobody else.
    expect((await api(rt, undefined, 'GET', kb(org.id))).status).toBe(401)
    expect((await api(rt, stranger, 'GET', kb(org.id))).status).toBe(404)
    expect((await api(rt, stranger, 'POST', `${kb(org.id)}/ask`, { question: 'Secret?' })).status).toBe(404)
    expect((await api(rt, undefined, 'POST', `${kb(org.id)}/ask`, { question: 'Secret?' })).status).toBe(401)
    expect((await api(rt, viewer, 'GET', kb(org.id))).status).toBe(200)
    expect((await api(rt, viewer, 'POST', `${kb(org.id)}/ask`, { question: 'Secret?' })).status).toBe(200)
    expect((await api(rt, undefined, 'POST', '/api/training/train')).status).toBe(401)
    // Without the header: the stranger's own personal knowledge base, empty, so nothing to train.
    const strangerTrain = await api(rt, stranger, 'POST', '/api/training/train')
    expect(strangerTrain.status).toBe(400)
    expect(strangerTrain.body.error.details[0].reason).toBe('NOTHING_TO_TRAIN')
    const asOrg = (user: TestUser | undefined) => ({
      ...(user ? { cookie: user.cookie } : {}),
      'x-organization-id': org.id,
    })
    const faqBody = { faqs: [{ question: 'Injected?', answer: 'Yes.' }] }
    expect((await api(rt, undefined, 'GET', '/api/training/knowledge-base')).status).toBe(401)
    expect((await api(rt, undefined, 'POST', '/api/training/train', faqBody, asOrg(undefined))).status).toBe(
      401,
    )
    expect(
      (await api(rt, stranger, 'GET', '/api/training/knowledge-base', undefined, asOrg(stranger))).status,
    ).toBe(404)
    expect((await api(rt, stranger, 'POST', '/api/training/train', faqBody, asOrg(stranger))).status).toBe(
      404,
    )
    expect((await api(rt, viewer, 'POST', '/api/training/train', faqBody, asOrg(viewer))).status).toBe(403)
    expect((await api(rt, agent, 'POST', '/api/training/train', faqBody, asOrg(agent))).status).toBe(403)
    const viewerKb = await api(rt, viewer, 'GET', '/api/training/knowledge-base', undefined, asOrg(viewer))
    expect(viewerKb.status).toBe(200)
    // None of the refused bodies was stored.
    expect(viewerKb.body).toMatchObject({ organizationId: org.id, counts: { faqs: 1 } })
    const headerTrain = await rt.request('/api/training/train', {
      method: 'POST',
      headers: { cookie: stranger.cookie, 'x-organization-id': org.id },
    })
    expect(headerTrain.status).toBe(404)
    const viewerHeaderTrain = await rt.request('/api/training/train', {
      method: 'POST',
      headers: { cookie: viewer.cookie, 'x-organization-id': org.id },
    })
    expect(viewerHeaderTrain.status).toBe(403)

    // A source id of another organization is not found through this one.
    const other = await createOrganization(rt, stranger)
    expect(
      (await api(rt, stranger, 'PATCH', `${kb(other.id)}/${faq.body.source.id}`, { content: 'x' })).status,
    ).toBe(404)
    expect((await api(rt, stranger, 'DELETE', `${kb(other.id)}/${faq.body.source.id}`)).status).toBe(404)

    // Admins write.
    expect((await api(rt, admin, 'PATCH', sourcePath, { content: 'Admins too.' })).status).toBe(200)
    expect((await api(rt, owner, 'GET', kb(org.id))).body.sources[0].content).toBe('Admins too.')
  })
})

describe('file uploads', () => {
  let owner: TestUser
  let orgId: string
  beforeAll(async () => {
    owner = await signUp(rt)
    orgId = (await createOrganization(rt, owner)).id
  })

  it('extracts text from PDF, DOCX, TXT, Markdown and CSV', async () => {
    const pdf = await uploadRead(
      owner,
      orgId,
      'menu.pdf',
      await pdfWith(['Lunch menu', 'The soup of the day costs 6 euros.', 'Open terrace in summer.']),
      'application/pdf',
    )
    expect(pdf.upload).toMatchObject({
      kind: 'file',
      fileName: 'menu.pdf',
      mimeType: 'application/pdf',
      title: 'menu',
      content: '',
    })
    expect(pdf.source).toMatchObject({ status: 'ready', progress: 100, error: null })
    expect(pdf.source.content).toContain('The soup of the day costs 6 euros.')
    expect(pdf.source.sizeBytes).toBeGreaterThan(100)

    const docx = await uploadRead(owner, orgId, 'desserts.docx', await docxWith())
    expect(docx.source.mimeType).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    )
    expect(docx.source.content).toContain('# Desserts')
    expect(docx.source.content).toContain('| Pistachio tiramisu | 7.50 EUR |')

    const txt = await uploadRead(owner, orgId, 'notes.txt', 'We close on public holidays.\n', 'text/plain')
    expect(txt.source).toMatchObject({
      mimeType: 'text/plain',
      content: 'We close on public holidays.',
      status: 'ready',
    })

    const md = await uploadRead(
      owner,
      orgId,
      'faq.md',
      '# Allergies\n\nAll dishes can be made **gluten free**.\n',
      'text/markdown',
    )
    expect(md.source.mimeType).toBe('text/markdown')
    expect(md.source.content).toContain('gluten free')

    const csv = await uploadRead(
      owner,
      orgId,
      'prices.csv',
      'Dish,Price,Vegan\nFalafel wrap,8.90,yes\n"Lamb stew, slow cooked",14.50,no\n',
      'text/csv',
    )
    expect(csv.source.content).toBe(
      'Dish: Falafel wrap; Price: 8.90; Vegan: yes\nDish: Lamb stew, slow cooked; Price: 14.50; Vegan: no',
    )

    // The stored bytes are dropped once the text is read.
    const bytes = await rt.database.sql.executeSql(
      'select count(*)::int as n from knowledge_sources where organization_id = $1 and file_bytes is not null',
      [orgId],
    )
    expect(bytes.rows[0]?.n).toBe(0)

    // Trained, each is searchable; the DOCX table row keeps its header, the CSV row stays whole.
    expect((await api(rt, owner, 'POST', `/api/organizations/${orgId}/train`)).status).toBe(202)
    expect((await waitForTraining(owner, orgId)).status).toBe('trained')
    const ask = async (question: string) =>
      (await api(rt, owner, 'POST', `${kb(orgId)}/ask`, { question })).body
    expect((await ask('How much is the soup?')).passages[0].sourceId).toBe(pdf.source.id)
    const tiramisu = await ask('price of the pistachio tiramisu')
    expect(tiramisu.passages[0].sourceId).toBe(docx.source.id)
    expect(tiramisu.passages[0].content).toContain('| Dish | Price |\n| Pistachio tiramisu | 7.50 EUR |')
    expect((await ask('are you open on public holidays')).passages[0].sourceId).toBe(txt.source.id)
    expect((await ask('gluten free options?')).passages[0].sourceId).toBe(md.source.id)
    const lamb = await ask('how much is the lamb stew')
    expect(lamb.passages[0].sourceId).toBe(csv.source.id)
    expect(lamb.answer).toContain('Lamb stew, slow cooked; Price: 14.50')
  })

  it('refuses bad files with a 400 that says why, storing nothing', async () => {
    const before = (await api(rt, owner, 'GET', kb(orgId))).body.sources.length
    const refused = async (
      fileName: string,
      bytes: Uint8Array | string,
      message: RegExp,
      type = '',
      [status, code] = [400, 'BAD_REQUEST'],
    ) => {
      const res = await upload(owner, orgId, fileName, bytes, type)
      expect(res.status, fileName).toBe(status)
      expect(res.body.error.code).toBe(code)
      expect(res.body.error.message, fileName).toMatch(message)
      return res.body.error
    }
    await refused(
      'broken.pdf',
      new Uint8Array([0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]),
      /not a PDF/,
      'application/pdf',
    )
    await refused('letter.docx', 'PK\u0003\u0004 definitely not a zip', /DOCX/)
    await refused('empty.txt', '', /empty/)
    await refused('blank.md', '\n\n   \n', /no text/)
    await refused('rows.csv', 'Dish,Price\n', /no rows/)
    await refused('notes.txt', new Uint8Array([0xff, 0xfe, 0xfd, 0x00]), /not UTF-8/)
    await refused('nul.txt', 'text with a NUL \u0000 byte', /binary/)
    await refused(
      'photo.png',
      new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      /\.png files are not supported/,
      'image/png',
    )
    const tooBig = await refused('big.txt', 'a'.repeat(10 * 1024 * 1024 + 10), /10 MB/)
    expect(tooBig.details[0]).toMatchObject({ path: 'file', limit: 'fileBytes', max: 10 * 1024 * 1024 })
    // Far over: the request body itself is refused before it is read whole.
    await refused('huge.txt', 'a'.repeat(12 * 1024 * 1024), /larger than \d+ MB/, '', [
      413,
      'PAYLOAD_TOO_LARGE',
    ])
    const noFile = await rt.request(`${kb(orgId)}/files`, {
      method: 'POST',
      headers: { cookie: owner.cookie },
      body: new FormData(),
    })
    expect(noFile.status).toBe(400)
    expect((await api(rt, owner, 'GET', kb(orgId))).body.sources.length).toBe(before)
  })

  it('accepts a file whose damage only reading shows, then marks it failed with the reason; it can be deleted', async () => {
    const damaged = await uploadRead(
      owner,
      orgId,
      'damaged.pdf',
      '%PDF-1.7\n this is not really a pdf body',
      'application/pdf',
    )
    expect(damaged.source).toMatchObject({ status: 'failed', progress: 100, content: '' })
    expect(damaged.source.error).toMatch(/^Cannot use this file: (the PDF is damaged|no text)/)
    const listed = (await api(rt, owner, 'GET', kb(orgId))).body.sources.find(
      (s: { id: string }) => s.id === damaged.source.id,
    )
    expect(listed).toMatchObject({ status: 'failed', error: damaged.source.error })
    const stored = await rt.database.sql.executeSql(
      'select file_bytes from knowledge_sources where id = $1',
      [damaged.source.id],
    )
    expect(first(stored.rows, 'the source').file_bytes).toBeNull()
    // Its text cannot be edited; it can be deleted.
    const edit = await api(rt, owner, 'PATCH', `${kb(orgId)}/${damaged.source.id}`, { content: 'typed in' })
    expect(edit.status).toBe(409)
    expect(edit.body.error.code).toBe('CONFLICT')
    expect((await api(rt, owner, 'DELETE', `${kb(orgId)}/${damaged.source.id}`)).status).toBe(200)
    expect((await api(rt, owner, 'GET', `${kb(orgId)}/${damaged.source.id}`)).status).toBe(404)
  })

  it('lists long documents as previews with their length; one source is fetched whole', async () => {
    const owner = await signUp(rt)
    // A 3 MB file of 3 million characters needs Enterprise's knowledge allowance (issue 17).
    const org = await createOrganization(rt, owner, { planType: 'enterprise' })
    const paragraph = 'Our workshop repairs bicycles of every make, from city bikes to racing frames. '
    const text = Array.from({ length: 40_000 }, (_, i) => `${i}. ${paragraph.trim()}`).join('\n')
    const { source } = await uploadRead(owner, org.id, 'manual.txt', text)
    expect(source.status).toBe('ready')
    expect(source.content === text, 'the whole text').toBe(true)
    expect(source).toMatchObject({ contentLength: text.length, contentTruncated: false })
    const list = await api(rt, owner, 'GET', kb(org.id))
    expect(list.status).toBe(200)
    const listed = list.body.sources[0]
    expect(listed).toMatchObject({ id: source.id, contentLength: text.length, contentTruncated: true })
    expect(listed.content).toBe(text.slice(0, 1000))
    // The whole list stays small however large the documents are.
    expect(JSON.stringify(list.body).length).toBeLessThan(5000)

    // The same for a long text source; its editor fetches it whole.
    const long = await api(rt, owner, 'POST', kb(org.id), {
      kind: 'text',
      title: 'Price list',
      content: paragraph.repeat(2000),
    })
    expect(long.status).toBe(201)
    const preview = (await api(rt, owner, 'GET', kb(org.id))).body.sources.find(
      (s: { id: string }) => s.id === long.body.source.id,
    )
    expect(preview).toMatchObject({
      contentTruncated: true,
      contentLength: paragraph.repeat(2000).trim().length,
    })
    const whole = await api(rt, owner, 'GET', `${kb(org.id)}/${long.body.source.id}`)
    expect(whole.body.source).toMatchObject({
      content: paragraph.repeat(2000).trim(),
      contentTruncated: false,
    })
  })
})

describe('one source and a file being read: security', () => {
  it('GET one source: no session 401, another tenant 404, every member reads', async () => {
    const owner = await signUp(rt)
    const viewer = await signUp(rt)
    const stranger = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    const faq = await api(rt, owner, 'POST', kb(org.id), {
      kind: 'faq',
      question: 'Secret?',
      content: 'Only members.',
    })
    const path = `${kb(org.id)}/${faq.body.source.id}`
    expect((await api(rt, undefined, 'GET', path)).status).toBe(401)
    const strangerRes = await api(rt, stranger, 'GET', path)
    expect(strangerRes.status).toBe(404)
    expect(strangerRes.body.error.code).toBe('NOT_FOUND')
    const viewerRes = await api(rt, viewer, 'GET', path)
    expect(viewerRes.status).toBe(200)
    expect(viewerRes.body.source.content).toBe('Only members.')
    // A source id through another organization, even one the caller belongs to.
    const other = await createOrganization(rt, stranger)
    expect((await api(rt, stranger, 'GET', `${kb(other.id)}/${faq.body.source.id}`)).status).toBe(404)
    expect((await api(rt, owner, 'GET', `${kb(org.id)}/no-such-source`)).status).toBe(404)
  })

  it('a processing file is skipped by training, its text cannot be edited, and its job fills it in', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await api(rt, owner, 'POST', kb(org.id), {
      kind: 'faq',
      question: 'Do you open on Sundays?',
      content: 'Yes, 10 to 4.',
    })
    // Stored as processing with no job yet: what the dashboard sees between upload and extraction.
    const inserted = await rt.database.sql.executeSql(
      `insert into knowledge_sources (organization_id, kind, title, content, file_name, mime_type, size_bytes, status, progress, file_bytes)
       values ($1, 'file', 'hours', '', 'hours.txt', 'text/plain', 30, 'processing', 0, convert_to('Closed on Mondays for cleaning.', 'UTF8'))
       returning id`,
      [org.id],
    )
    const sourceId = String(first(inserted.rows, 'the inserted source').id)
    const edit = await api(rt, owner, 'PATCH', `${kb(org.id)}/${sourceId}`, { content: 'typed in' })
    expect(edit.status).toBe(409)
    expect(edit.body.error.message).toMatch(/still being read/)
    await api(rt, owner, 'POST', `/api/organizations/${org.id}/train`)
    expect((await waitForTraining(owner, org.id)).status).toBe('trained')
    const chunks = await rt.database.sql.executeSql(
      'select source_id from knowledge_chunks where organization_id = $1',
      [org.id],
    )
    expect(chunks.rows.map((r) => r.source_id)).not.toContain(sourceId)

    const extract = knowledgeHandlers['knowledge.extract']
    if (!extract) throw new Error('no knowledge.extract handler')
    await extract({ organizationId: org.id, sourceId }, rt.services, {
      id: 'job-x',
      retryCount: 0,
      retryLimit: 2,
      isLastAttempt: false,
    })
    const ready = (await api(rt, owner, 'GET', `${kb(org.id)}/${sourceId}`)).body.source
    expect(ready).toMatchObject({ status: 'ready', content: 'Closed on Mondays for cleaning.', error: null })
    // Another organization's id in the payload finds nothing to do.
    const other = await createOrganization(rt, owner)
    await extract({ organizationId: other.id, sourceId }, rt.services, {
      id: 'job-y',
      retryCount: 0,
      retryLimit: 2,
      isLastAttempt: false,
    })
    expect((await api(rt, owner, 'GET', kb(org.id))).body.training.changedSinceTraining).toBe(true)
  })
})

describe('training', () => {
  it('trains into chunks, reports progress and marks the organization trained', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    expect(org.isModelTrained).toBe(false)
    await api(rt, owner, 'PUT', `${kb(org.id)}/profile`, {
      fields: { name: 'Bloom Florist', openingHours: 'Tuesday to Saturday, 10:00 to 18:00' },
    })
    await api(rt, owner, 'POST', kb(org.id), {
      kind: 'faq',
      question: 'Do you deliver flowers?',
      content: 'Yes, same-day delivery in the city for 5 EUR.',
    })
    await api(rt, owner, 'POST', kb(org.id), {
      kind: 'text',
      title: 'Weddings',
      content: '# Weddings\n\nWe design bridal bouquets. Book three months ahead.',
    })

    const started = await api(rt, owner, 'POST', `/api/organizations/${org.id}/train`)
    expect(started.status).toBe(202)
    expect(started.body.training).toMatchObject({ status: 'training', progress: 0, error: null })
    const training = await waitForTraining(owner, org.id)
    expect(training).toMatchObject({ status: 'trained', progress: 100, error: null })
    expect(Date.parse(training.trainedAt)).toBeGreaterThan(Date.now() - 60_000)

    const view = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
    expect(view.body.organization).toMatchObject({
      isModelTrained: true,
      trainingStatus: 'trained',
      trainingProgress: 100,
    })

    const chunks = await rt.database.sql.executeSql(
      'select generation, language, heading, content from knowledge_chunks where organization_id = $1 order by position',
      [org.id],
    )
    expect(chunks.rows.length).toBe(4) // two profile fields, one FAQ, one text
    expect(new Set(chunks.rows.map((r) => r.generation))).toEqual(new Set([1]))
    expect(chunks.rows.every((r) => r.language === 'english')).toBe(true)
    expect(chunks.rows.find((r) => String(r.content).includes('bridal'))?.heading).toBe('Weddings')

    const hours = await api(rt, owner, 'POST', `${kb(org.id)}/ask`, { question: 'When are you open?' })
    expect(hours.status).toBe(200)
    expect(hours.body).toMatchObject({ escalate: false, model: 'builtin' })
    expect(hours.body.answer).toContain('Tuesday to Saturday, 10:00 to 18:00')
    expect(hours.body.passages[0]).toMatchObject({
      title: 'Opening hours',
      content: 'Tuesday to Saturday, 10:00 to 18:00',
    })
    expect(hours.body.latencyMs).toBeGreaterThanOrEqual(0)

    const delivery = await api(rt, owner, 'POST', `${kb(org.id)}/ask`, {
      question: 'can you deliver my flowers today?',
    })
    expect(delivery.body.answer).toBe('Yes, same-day delivery in the city for 5 EUR.')

    const unknown = await api(rt, owner, 'POST', `${kb(org.id)}/ask`, { question: 'Do you repair bicycles?' })
    expect(unknown.body.passages).toEqual([])
    expect(unknown.body.answer).toMatch(/don't have that information.*someone from our team/)
    expect(unknown.body.escalate).toBe(false)

    const human = await api(rt, owner, 'POST', `${kb(org.id)}/ask`, {
      question: 'Can I talk to a real person please?',
    })
    expect(human.body).toMatchObject({ escalate: true, passages: [] })
    expect(human.body.answer).toMatch(/someone from our team/)

    expect((await api(rt, owner, 'GET', kb(org.id))).body.training.changedSinceTraining).toBe(false)
    // Retraining switches generations: the old chunks are gone, the new ones answer.
    await api(rt, owner, 'POST', kb(org.id), {
      kind: 'faq',
      question: 'Do you sell plants?',
      content: 'Yes, house plants from 12 EUR.',
    })
    expect((await api(rt, owner, 'GET', kb(org.id))).body.training.changedSinceTraining).toBe(true)
    await api(rt, owner, 'POST', `/api/organizations/${org.id}/train`)
    await waitForTraining(owner, org.id)
    expect((await api(rt, owner, 'GET', kb(org.id))).body.training.changedSinceTraining).toBe(false)
    const after = await rt.database.sql.executeSql(
      'select distinct generation from knowledge_chunks where organization_id = $1',
      [org.id],
    )
    // The generation just replaced stays for answers already under way; the next training drops it.
    expect(after.rows.map((r) => r.generation).sort()).toEqual([1, 2])
    expect(
      (await api(rt, owner, 'POST', `${kb(org.id)}/ask`, { question: 'do you sell plants' })).body.answer,
    ).toBe('Yes, house plants from 12 EUR.')
  })

  it('trains the personal knowledge base when no organization header is given', async () => {
    const user = await signUp(rt)
    // Its id is there before anything is trained.
    const first = await api(rt, user, 'GET', '/api/training/knowledge-base')
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({
      kind: 'personal',
      training: { status: 'untrained', changedSinceTraining: false },
      counts: { profile: 0, faqs: 0, texts: 0, files: 0, trainedChunks: 0 },
    })
    const personalId = first.body.organizationId
    expect((await api(rt, user, 'GET', '/api/training/knowledge-base')).body.organizationId).toBe(personalId)
    expect((await api(rt, user, 'POST', '/api/training/train')).status).toBe(400)
    // The personal knowledge base is the user's alone and is not an organization in their list.
    expect((await api(rt, user, 'GET', '/api/organizations')).body.organizations).toEqual([])
    const faq = await api(rt, user, 'POST', kb(personalId), {
      kind: 'faq',
      question: 'What is my wifi password?',
      content: 'It is on the router sticker.',
    })
    expect(faq.status).toBe(201)
    const second = await api(rt, user, 'POST', '/api/training/train')
    expect(second.body.organizationId).toBe(personalId)
    expect((await waitForTraining(user, personalId)).status).toBe('trained')
    const ask = await api(rt, user, 'POST', `${kb(personalId)}/ask`, { question: 'wifi password?' })
    expect(ask.body.answer).toBe('It is on the router sticker.')
    const other = await signUp(rt)
    expect((await api(rt, other, 'GET', kb(personalId))).status).toBe(404)
    expect((await api(rt, other, 'GET', `/api/organizations/${personalId}`)).status).toBe(404)

    // With the header, the organization is trained instead.
    const org = await createOrganization(rt, user)
    await api(rt, user, 'POST', kb(org.id), { kind: 'text', title: 'Menu', content: 'Pizza and pasta.' })
    const res = await rt.request('/api/training/train', {
      method: 'POST',
      headers: { cookie: user.cookie, 'x-organization-id': org.id },
    })
    expect(res.status).toBe(202)
    expect(((await res.json()) as { organizationId: string }).organizationId).toBe(org.id)
    expect((await waitForTraining(user, org.id)).status).toBe('trained')
  })

  it('refuses to train a knowledge base with nothing in it, and changes nothing', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const refused = await api(rt, owner, 'POST', `/api/organizations/${org.id}/train`)
    expect(refused.status).toBe(400)
    expect(refused.body.error).toMatchObject({
      code: 'BAD_REQUEST',
      details: [{ reason: 'NOTHING_TO_TRAIN' }],
    })
    expect(refused.body.error.message).toMatch(/add a business profile, an FAQ/)
    const viaHeader = await api(rt, owner, 'POST', '/api/training/train', undefined, {
      'x-organization-id': org.id,
    })
    expect(viaHeader.status).toBe(400)
    // An empty profile is not knowledge either.
    await api(rt, owner, 'PUT', `${kb(org.id)}/profile`, { fields: { name: '' } })
    expect((await api(rt, owner, 'POST', `/api/organizations/${org.id}/train`)).status).toBe(400)
    expect((await api(rt, owner, 'GET', kb(org.id))).body.training).toMatchObject({
      status: 'untrained',
      trainedAt: null,
    })
    expect((await api(rt, owner, 'GET', `/api/organizations/${org.id}`)).body.organization).toMatchObject({
      trainingStatus: 'untrained',
      isModelTrained: false,
    })
  })

  it('stores the knowledge sent with POST /api/training/train, then trains it', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const headers = { 'x-organization-id': org.id }
    const res = await api(
      rt,
      owner,
      'POST',
      '/api/training/train',
      {
        businessName: 'Luigi Pizzeria',
        description: 'Wood-fired pizza in Turin',
        hours: 'Tuesday to Sunday, 12:00 to 23:00',
        location: 'Via Roma 1, Turin',
        contact: '+39 011 555 0101',
        faqs: [
          { question: 'Do you deliver?', answer: 'Yes, within 5 km, free over 20 EUR.' },
          { question: 'Do you have gluten-free pizza?', answer: 'Yes, every day, 2 EUR extra.' },
        ],
      },
      headers,
    )
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    expect(res.body).toMatchObject({
      organizationId: org.id,
      training: { status: 'training' },
      saved: { profile: true, faqsAdded: 2, faqsReplaced: 0 },
    })
    expect((await waitForTraining(owner, org.id)).status).toBe('trained')
    const ask = await api(rt, owner, 'POST', `${kb(org.id)}/ask`, { question: 'do you deliver?' })
    expect(ask.body.answer).toBe('Yes, within 5 km, free over 20 EUR.')

    // Again: the same question (case and spaces aside) replaces its answer; an empty field removes
    // it; fields not sent stay.
    const again = await api(
      rt,
      owner,
      'POST',
      '/api/training/train',
      { hours: '', faqs: [{ question: '  do you DELIVER? ', answer: 'Yes, within 8 km now.' }] },
      headers,
    )
    expect(again.status).toBe(202)
    expect(again.body.saved).toEqual({ profile: true, faqsAdded: 0, faqsReplaced: 1 })
    expect((await waitForTraining(owner, org.id)).status).toBe('trained')
    const { sources } = (await api(rt, owner, 'GET', kb(org.id))).body
    const profile = sources.find((s: { kind: string }) => s.kind === 'profile')
    expect(profile.fields).toEqual({
      name: 'Luigi Pizzeria',
      description: 'Wood-fired pizza in Turin',
      location: 'Via Roma 1, Turin',
      contact: '+39 011 555 0101',
    })
    const faqs = sources.filter((s: { kind: string }) => s.kind === 'faq')
    // In the order the first request sent them (the replaced one keeps its place).
    expect(faqs.map((f: { content: string }) => f.content)).toEqual([
      'Yes, within 8 km now.',
      'Yes, every day, 2 EUR extra.',
    ])
    const glance = await api(rt, owner, 'GET', '/api/training/knowledge-base', undefined, headers)
    expect(glance.body).toMatchObject({
      organizationId: org.id,
      kind: 'organization',
      name: org.name,
      training: { status: 'trained', changedSinceTraining: false },
      counts: { profile: 1, faqs: 2, texts: 0, files: 0, filesProcessing: 0 },
    })
    expect(glance.body.counts.trainedChunks).toBeGreaterThanOrEqual(3)

    // Without the header, the body goes to the personal knowledge base.
    const personal = await api(rt, owner, 'POST', '/api/training/train', {
      faqs: [{ question: 'Where is my spare key?', answer: 'Under the blue pot.' }],
    })
    expect(personal.status).toBe(202)
    expect(personal.body.organizationId).not.toBe(org.id)
    expect((await api(rt, owner, 'GET', '/api/training/knowledge-base')).body.organizationId).toBe(
      personal.body.organizationId,
    )
  })

  it.each([
    ['an FAQ without an answer', { faqs: [{ question: 'Open?' }] }, 'faqs.0.answer'],
    ['an unknown field', { openingTimes: '9-5' }, ''],
    ['a read-only-looking field', { name: 'Luigi' }, ''],
    [
      'the same question twice',
      {
        faqs: [
          { question: 'Open?', answer: 'Yes' },
          { question: 'open? ', answer: 'No' },
        ],
      },
      'faqs.1.question',
    ],
    ['a field too long', { businessName: 'x'.repeat(201) }, 'businessName'],
  ])('refuses a training body with %s (400) and stores nothing', async (_what, body, path) => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const headers = { 'x-organization-id': org.id }
    const res = await api(rt, owner, 'POST', '/api/training/train', body, headers)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('BAD_REQUEST')
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path)
    const glance = await api(rt, owner, 'GET', '/api/training/knowledge-base', undefined, headers)
    expect(glance.body.counts).toMatchObject({ profile: 0, faqs: 0 })
    expect(glance.body.training.status).toBe('untrained')
  })

  it('reports a failure with its reason on the last attempt, keeping the previous knowledge', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await api(rt, owner, 'POST', kb(org.id), {
      kind: 'faq',
      question: 'Do you open on Sundays?',
      content: 'Yes, 10 to 4.',
    })
    await api(rt, owner, 'POST', `/api/organizations/${org.id}/train`)
    expect((await waitForTraining(owner, org.id)).status).toBe('trained')
    // Settings the training cannot use (written around the API's validation).
    await rt.database.sql.executeSql(
      `update organizations set ai = '{"tone":"friendly","language":5}'::jsonb where id = $1`,
      [org.id],
    )
    const train = knowledgeHandlers['knowledge.train']
    if (!train) throw new Error('no knowledge.train handler')
    const meta = { id: 'job-1', retryCount: 1, retryLimit: 3, isLastAttempt: false }
    await expect(train({ organizationId: org.id }, rt.services, meta)).rejects.toThrow()
    // Not the last attempt: still training as far as the dashboard knows.
    expect((await api(rt, owner, 'GET', kb(org.id))).body.training).toMatchObject({
      status: 'training',
      error: null,
    })
    await expect(
      train({ organizationId: org.id }, rt.services, { ...meta, retryCount: 3, isLastAttempt: true }),
    ).rejects.toThrow()
    const failed = (await api(rt, owner, 'GET', kb(org.id))).body.training
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatch(/^Training failed: /)
    const view = (await api(rt, owner, 'GET', `/api/organizations/${org.id}`)).body.organization
    expect(view).toMatchObject({ trainingStatus: 'failed', isModelTrained: true })
    // Customers are still answered from the last good generation.
    expect(
      (await api(rt, owner, 'POST', `${kb(org.id)}/ask`, { question: 'open on sunday?' })).body.answer,
    ).toBe('Yes, 10 to 4.')
  })

  it('documents the knowledge routes in the OpenAPI document', async () => {
    const res = await rt.request('/api/openapi.json')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> }
    for (const path of [
      '/api/organizations/{id}/knowledge',
      '/api/organizations/{id}/knowledge/files',
      '/api/organizations/{id}/knowledge/ask',
      '/api/organizations/{id}/knowledge/{sourceId}',
      '/api/organizations/{id}/train',
      '/api/training/train',
      '/api/training/knowledge-base',
      '/api/ai/providers',
    ]) {
      expect(doc.paths[path], path).toBeDefined()
    }
    const uploadDoc = defined(
      doc.paths['/api/organizations/{id}/knowledge/files']?.post,
      'the upload route',
    ) as {
      requestBody: unknown
      responses: Record<string, unknown>
    }
    expect(Object.keys(uploadDoc)).toContain('requestBody')
    expect(Object.keys(uploadDoc.responses)).toEqual(
      expect.arrayContaining(['202', '400', '401', '403', '404']),
    )
    expect(Object.keys(uploadDoc.responses)).not.toContain('201')
    expect(doc.paths['/api/organizations/{id}/knowledge/{sourceId}']?.get).toBeDefined()
  })

  it('lists the providers this deployment can use', async () => {
    const user = await signUp(rt)
    const res = await api(rt, user, 'GET', '/api/ai/providers')
    expect(res.status).toBe(200)
    expect(res.body.providers).toEqual([{ id: 'builtin', models: ['builtin'] }])
    expect((await api(rt, undefined, 'GET', '/api/ai/providers')).status).toBe(401)
  })
})
