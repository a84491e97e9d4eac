import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ConfigError, parseConfig } from '../src/server/config.js'
import { queryRows } from '../src/server/db/client.js'
import { createLogger } from '../src/server/logger.js'
import { LogMailer, readOutbox } from '../src/server/providers/mail/log-outbox.js'
import { first, nth } from './support/defined.js'
import { api, lastMailTo, signUp, type TestUser, verificationPath, verifyEmail } from './support/factories.js'
import { type FakeSmtp, startFakeSmtp } from './support/fake-smtp.js'
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './support/fake-twilio.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'

// Proofs of identity: the email by a link sent through SMTP, the WhatsApp number by a code sent to it.
let fake: FakeTwilio
let smtp: FakeSmtp
let rt: TestRuntime
const SHARED = '+14155238886'
const OPERATOR = 'ops-verify@example.test'

beforeAll(async () => {
  fake = await startFakeTwilio()
  smtp = await startFakeSmtp()
  rt = await startTestRuntime({
    env: {
      ...twilioEnv(fake),
      TWILIO_PHONE_NUMBER: `whatsapp:${SHARED}`,
      SMTP_URL: `smtp://mailer:smtp-s3cret@127.0.0.1:${smtp.port}`,
      SMTP_FROM: 'Platform <platform@example.test>',
      OPERATOR_EMAILS: OPERATOR,
    },
  })
})
afterAll(async () => {
  await rt?.close()
  await fake?.close()
  await smtp?.close()
})

let seq = 0
const uniquePhone = () => `+1555${String(Date.now() % 1_000_000).padStart(6, '0')}${seq++ % 10}`
const mailText = async (email: string) => (await smtp.waitForMail(email)).text
const codesTo = (phone: string) =>
  fake.state.messages
    .filter((m) => m.to === `whatsapp:${phone}`)
    .flatMap((m) => /\b(\d{6})\b/.exec(m.body)?.[1] ?? [])
/** The `index`th code sent to `phone` (0 the first), or a failure saying it was never sent. */
const codeTo = (phone: string, index: number) => nth(codesTo(phone), index, `code ${index} sent to ${phone}`)
const requestCode = (user: TestUser, phone: string) =>
  api(rt, user, 'POST', '/api/me/phone/verification', { phone })
const verify = (user: TestUser, phone: string, code: string) =>
  api(rt, user, 'POST', '/api/me/phone/verify', { phone, code })
const phoneOf = async (userId: string) => {
  const rows = await queryRows<{ phone: string | null }>(
    rt.services.db,
    sql`select phone from users where id = ${userId}`,
  )
  return first(rows, `user ${userId}`).phone
}
/** Lets the next code be asked for at once (the one-a-minute throttle is tested on its own). */
const ageCodes = (userId: string) =>
  rt.services.db.execute(
    sql`update phone_verifications set created_at = created_at - interval '2 minutes' where user_id = ${userId}`,
  )

describe('email verification', () => {
  it('mails a link through SMTP at sign-up; opening it verifies the address', async () => {
    const user = await signUp(rt, { name: 'Vera Verify' })
    const mail = await smtp.waitForMail(user.email)
    expect(mail.subject).toBe('Verify your email address')
    expect(mail.from).toBe('platform@example.test')
    expect(mail.auth).toEqual({ user: 'mailer', pass: 'smtp-s3cret' })
    expect(mail.text).toContain('Hello Vera Verify')
    expect(mail.text).toContain(`${rt.config.appUrl}/api/auth/verify-email?token=`)
    // Signed in without verifying (autoSignIn), but not verified yet.
    expect((await api(rt, user, 'GET', '/api/me')).body.account).toMatchObject({
      email: user.email,
      emailVerified: false,
    })

    // A forged token changes nothing.
    const forged = await rt.request('/api/auth/verify-email?token=eyJhbGciOiJIUzI1NiJ9.e30.forged')
    expect(forged.status).toBe(401)
    expect((await api(rt, user, 'GET', '/api/me')).body.account.emailVerified).toBe(false)

    const opened = await rt.request(verificationPath(mail.text))
    expect(opened.status).toBe(302)
    expect((await api(rt, user, 'GET', '/api/me')).body.account.emailVerified).toBe(true)
  })

  it('sends a new link on request (the dashboard banner’s resend)', async () => {
    const user = await signUp(rt)
    await smtp.waitForMail(user.email)
    const before = smtp.messages.length
    const res = await rt.request('/api/auth/send-verification-email', {
      method: 'POST',
      headers: { cookie: user.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, callbackURL: '/Dashboard/account' }),
    })
    expect(res.status).toBe(200)
    const again = await smtp.waitForMail(user.email, { after: before })
    expect(again.text).toContain('callbackURL=%2FDashboard%2Faccount')
    const opened = await rt.request(verificationPath(again.text))
    expect(opened.status).toBe(302)
    expect(opened.headers.get('location')).toBe('/Dashboard/account')
    expect((await api(rt, user, 'GET', '/api/me')).body.account.emailVerified).toBe(true)
  })

  it('gives operator rights only to a verified address in OPERATOR_EMAILS', async () => {
    const operator = await signUp(rt, { email: OPERATOR })
    // Whoever signs up first with the address is not an operator until they prove they hold it.
    expect((await api(rt, operator, 'GET', '/api/me')).body.account.isOperator).toBe(false)
    const refused = await api(rt, operator, 'GET', '/api/admin/numbers')
    expect(refused.status).toBe(403)
    await verifyEmail(rt, operator, mailText)
    expect((await api(rt, operator, 'GET', '/api/me')).body.account.isOperator).toBe(true)
    expect((await api(rt, operator, 'GET', '/api/admin/numbers')).status).toBe(200)
    // A verified address that is not listed stays a plain user.
    const plain = await signUp(rt)
    await verifyEmail(rt, plain, mailText)
    expect((await api(rt, plain, 'GET', '/api/admin/numbers')).status).toBe(403)
  })
})

describe('linking a WhatsApp number with a code', () => {
  it('sends a 6-digit code from the shared number and links the number with it', async () => {
    const user = await signUp(rt)
    const phone = uniquePhone()
    const sent = await requestCode(user, phone)
    expect(sent.status).toBe(202)
    expect(sent.body.verification).toMatchObject({ phone, from: SHARED, resendAfterSeconds: 60 })
    expect(sent.body.verification.sandboxMessage).toBeUndefined()
    const minutes = (Date.parse(sent.body.verification.expiresAt) - Date.now()) / 60_000
    expect(minutes).toBeGreaterThan(9.5)
    expect(minutes).toBeLessThanOrEqual(10)
    // Through Twilio's Messages API, from the platform's shared number to that number.
    const message = fake.state.messages.find((m) => m.to === `whatsapp:${phone}`)
    expect(message?.from).toBe(`whatsapp:${SHARED}`)
    expect(message?.body).toMatch(/^\d{6} is your WhatsApp AI Assistants code/)
    const code = codeTo(phone, 0)
    // Only a keyed hash of the code is stored.
    const stored = await queryRows<{ code_hash: string }>(
      rt.services.db,
      sql`select code_hash from phone_verifications where user_id = ${user.id}`,
    )
    const hash = first(stored, 'the stored verification').code_hash
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(hash).not.toContain(code)

    const wrong = await verify(user, phone, code === '000000' ? '111111' : '000000')
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.message).toBe('Wrong code; 4 tries left')
    expect(await phoneOf(user.id)).toBeNull()

    const linked = await verify(user, phone, code)
    expect(linked.status).toBe(200)
    expect(linked.body.account).toMatchObject({ phone, sharedNumber: SHARED })
    expect(await phoneOf(user.id)).toBe(phone)
    // A code works once.
    expect((await verify(user, phone, code)).status).toBe(400)
    // Asking again for the number already linked is a conflict, and nothing is sent.
    await ageCodes(user.id)
    const count = fake.state.messages.length
    expect((await requestCode(user, phone)).status).toBe(409)
    expect(fake.state.messages.length).toBe(count)

    const unlinked = await api(rt, user, 'DELETE', '/api/me/phone')
    expect(unlinked.status).toBe(200)
    expect(unlinked.body.account.phone).toBeNull()
  })

  it('refuses an expired code', async () => {
    const user = await signUp(rt)
    const phone = uniquePhone()
    expect((await requestCode(user, phone)).status).toBe(202)
    const code = codeTo(phone, 0)
    await rt.services.db.execute(
      sql`update phone_verifications set expires_at = now() - interval '1 second' where user_id = ${user.id}`,
    )
    const res = await verify(user, phone, code)
    expect(res.status).toBe(400)
    expect(res.body.error.message).toMatch(/expired/)
    expect(await phoneOf(user.id)).toBeNull()
  })

  it('stops accepting a code after 5 wrong tries, even the right one', async () => {
    const user = await signUp(rt)
    const phone = uniquePhone()
    await requestCode(user, phone)
    const code = codeTo(phone, 0)
    const wrong = code === '999999' ? '999998' : '999999'
    const answers = await Promise.all(Array.from({ length: 5 }, () => verify(user, phone, wrong)))
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 400])
    const locked = await verify(user, phone, code)
    expect(locked.status).toBe(429)
    expect(locked.body.error.message).toMatch(/new code/)
    expect(await phoneOf(user.id)).toBeNull()
    // A new code works again.
    await ageCodes(user.id)
    await requestCode(user, phone)
    expect((await verify(user, phone, codeTo(phone, 1))).status).toBe(200)
  })

  it('throttles codes per account and per number', async () => {
    const user = await signUp(rt)
    const phone = uniquePhone()
    expect((await requestCode(user, phone)).status).toBe(202)
    const soon = await requestCode(user, phone)
    expect(soon.status).toBe(429)
    expect(Number(soon.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(codesTo(phone)).toHaveLength(1)
    // Only the latest code counts.
    await ageCodes(user.id)
    await requestCode(user, phone)
    const [older, newer] = [codeTo(phone, 0), codeTo(phone, 1)]
    if (older !== newer) expect((await verify(user, phone, older)).status).toBe(400)

    // A stranger's number cannot be flooded from many accounts: 5 codes an hour per number.
    const target = uniquePhone()
    for (let i = 0; i < 5; i++) expect((await requestCode(await signUp(rt), target)).status).toBe(202)
    const sixth = await requestCode(await signUp(rt), target)
    expect(sixth.status).toBe(429)
    expect(codesTo(target)).toHaveLength(5)
  })

  it('never reveals who holds a number; a verified claim moves it and tells the previous holder', async () => {
    const holder = await signUp(rt, { name: 'Hana Holder' })
    const phone = uniquePhone()
    await requestCode(holder, phone)
    expect((await verify(holder, phone, codeTo(phone, 0))).status).toBe(200)

    // Someone else asks for the same number: the same answer as for any number, and a guess fails.
    const claimant = await signUp(rt)
    const claim = await requestCode(claimant, phone)
    expect(claim.status).toBe(202)
    expect(Object.keys(claim.body.verification).sort()).toEqual([
      'expiresAt',
      'from',
      'phone',
      'resendAfterSeconds',
    ])
    const code = codeTo(phone, 1)
    expect((await verify(claimant, phone, code === '123456' ? '654321' : '123456')).status).toBe(400)
    expect(await phoneOf(holder.id)).toBe(phone)
    // The holder's own code does not work for another account.
    expect((await verify(claimant, phone, codeTo(phone, 0))).status).toBe(400)

    // Whoever receives the code holds the phone now: the link moves.
    const before = smtp.messages.length
    expect((await verify(claimant, phone, code)).status).toBe(200)
    expect(await phoneOf(claimant.id)).toBe(phone)
    expect(await phoneOf(holder.id)).toBeNull()
    const notice = await smtp.waitForMail(holder.email, { after: before })
    expect(notice.subject).toBe('Your WhatsApp number was linked to another account')
    expect(notice.text).toContain(phone)
  })

  it('refuses the old unverified PATCH, bad input and anonymous calls, changing nothing', async () => {
    const user = await signUp(rt)
    const phone = uniquePhone()
    const patched = await api(rt, user, 'PATCH', '/api/me', { phone })
    expect(patched.status).toBe(400)
    expect(patched.body.error.message).toMatch(/POST \/api\/me\/phone\/verification/)
    expect(await phoneOf(user.id)).toBeNull()
    expect((await api(rt, user, 'PATCH', '/api/me', { phone, role: 'admin' })).status).toBe(400)

    const badPhone = await requestCode(user, '0788')
    expect(badPhone.status).toBe(400)
    expect(badPhone.body.error.details[0].path).toBe('phone')
    expect((await api(rt, user, 'POST', '/api/me/phone/verification', { phone, extra: 1 })).status).toBe(400)
    const badCode = await verify(user, phone, '12ab56')
    expect(badCode.status).toBe(400)
    expect(badCode.body.error.details[0].path).toBe('code')
    const notAsked = await verify(user, phone, '123456')
    expect(notAsked.status).toBe(400)
    expect(notAsked.body.error.message).toMatch(/ask for a code first/)
    expect(fake.state.messages.filter((m) => m.to === `whatsapp:${phone}`)).toHaveLength(0)

    expect((await api(rt, undefined, 'GET', '/api/me')).status).toBe(401)
    expect((await api(rt, undefined, 'PATCH', '/api/me', { phone })).status).toBe(401)
    expect((await api(rt, undefined, 'POST', '/api/me/phone/verification', { phone })).status).toBe(401)
    expect((await api(rt, undefined, 'POST', '/api/me/phone/verify', { phone, code: '123456' })).status).toBe(
      401,
    )
    expect((await api(rt, undefined, 'DELETE', '/api/me/phone')).status).toBe(401)
    expect(fake.state.messages.filter((m) => m.to === `whatsapp:${phone}`)).toHaveLength(0)
  })

  it('answers 502 when Twilio fails and 400 when it refuses the number; neither counts against the limits', async () => {
    const user = await signUp(rt)
    const phone = uniquePhone()
    fake.failNext({ method: 'POST', pathIncludes: '/Messages.json' }, { status: 503 })
    const down = await requestCode(user, phone)
    expect(down.status).toBe(502)
    fake.failNext(
      { method: 'POST', pathIncludes: '/Messages.json' },
      {
        status: 400,
        body: {
          code: 63016,
          message: 'Failed to send freeform message because you are outside the allowed window.',
          status: 400,
        },
      },
    )
    const refused = await requestCode(user, phone)
    expect(refused.status).toBe(400)
    expect(refused.body.error.message).toContain(`send any message to ${SHARED}`)
    expect((await requestCode(user, phone)).status).toBe(202)
    expect(codesTo(phone)).toHaveLength(1)
  })
})

describe('linking in sandbox mode and without a shared number', () => {
  let sandbox: TestRuntime
  let bare: TestRuntime
  beforeAll(async () => {
    sandbox = await startTestRuntime({ env: { TWILIO_PHONE_NUMBER: SHARED } })
    bare = await startTestRuntime()
  })
  afterAll(async () => {
    await sandbox?.close()
    await bare?.close()
  })

  it('shows the message the phone would receive, since the sandbox sends nothing', async () => {
    const user = await signUp(sandbox)
    const phone = uniquePhone()
    const sent = await api(sandbox, user, 'POST', '/api/me/phone/verification', { phone })
    expect(sent.status).toBe(202)
    const code = /^(\d{6}) is your/.exec(sent.body.verification.sandboxMessage)?.[1] as string
    expect(code).toMatch(/^\d{6}$/)
    const linked = await api(sandbox, user, 'POST', '/api/me/phone/verify', { phone, code })
    expect(linked.status).toBe(200)
    expect(linked.body.account.phone).toBe(phone)
    // The log transport keeps the verification email in DATA_DIR/mail-outbox.
    expect((await lastMailTo(sandbox, user.email)).subject).toBe('Verify your email address')
  })

  it('refuses linking when the deployment has no shared number', async () => {
    const user = await signUp(bare)
    const me = await api(bare, user, 'GET', '/api/me')
    expect(me.body.account.sharedNumber).toBeNull()
    const res = await api(bare, user, 'POST', '/api/me/phone/verification', { phone: uniquePhone() })
    expect(res.status).toBe(409)
    expect(res.body.error.message).toMatch(/TWILIO_PHONE_NUMBER/)
  })
})

describe('mail configuration and the log transport', () => {
  const base = {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'wa-mail-')),
    AUTH_SECRET: 'x'.repeat(40),
    APP_URL: 'https://app.example.com',
  }
  const issues = (env: Record<string, string>) => {
    try {
      parseConfig({ ...base, ...env })
      return []
    } catch (err) {
      return (err as ConfigError).issues
    }
  }

  it('reads SMTP settings and refuses incomplete ones', () => {
    expect(parseConfig(base).mail).toEqual({
      transport: 'log',
      from: 'WhatsApp AI Assistants <no-reply@app.example.com>',
    })
    expect(
      parseConfig({
        ...base,
        SMTP_HOST: 'smtp.example.com',
        SMTP_USER: 'u',
        SMTP_PASSWORD: 'p',
        SMTP_FROM: 'Us <us@example.com>',
      }).mail,
    ).toEqual({
      transport: 'smtp',
      from: 'Us <us@example.com>',
      host: 'smtp.example.com',
      port: 587,
      user: 'u',
      password: 'p',
    })
    expect(parseConfig({ ...base, SMTP_URL: 'smtps://u:p@smtp.example.com' }).mail).toMatchObject({
      transport: 'smtp',
      url: 'smtps://u:p@smtp.example.com',
    })
    expect(issues({ SMTP_HOST: 'smtp.example.com', SMTP_USER: 'u' })).toEqual([
      'SMTP_PASSWORD: SMTP_USER and SMTP_PASSWORD must be set together',
    ])
    expect(issues({ SMTP_URL: 'smtp://a', SMTP_HOST: 'b' })).toEqual([
      'SMTP_HOST: set SMTP_URL or SMTP_HOST, not both',
    ])
    expect(issues({ SMTP_URL: 'https://mail.example.com' })[0]).toMatch(/^SMTP_URL: must be an smtp/)
    expect(issues({ SMTP_HOST: 'h', SMTP_PORT: '99999' })[0]).toMatch(/^SMTP_PORT/)
  })

  it('writes the message with its link to the log at info and keeps the last 50 in DATA_DIR/mail-outbox', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wa-outbox-'))
    const lines: string[] = []
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk))
        done()
      },
    })
    const mailer = new LogMailer(dataDir, 'Us <us@example.test>', createLogger('info', sink))
    for (let i = 0; i < 52; i++) {
      await mailer.send({
        to: `n${i}@example.test`,
        subject: `Message ${i}`,
        text: `Open https://app.example.test/api/auth/verify-email?token=t${i}`,
      })
    }
    const kept = await readOutbox(dataDir)
    expect(kept).toHaveLength(50)
    expect(kept[0]?.subject).toBe('Message 2')
    expect(kept[49]).toMatchObject({
      to: 'n51@example.test',
      from: 'Us <us@example.test>',
      text: 'Open https://app.example.test/api/auth/verify-email?token=t51',
    })
    const entry = JSON.parse(nth(lines, 51, 'the 52nd log line'))
    expect(entry.level).toBe(30)
    expect(entry.mail.text).toContain('verify-email?token=t51')
  })
})
