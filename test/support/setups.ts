// Starting points shared by test files: a runtime wired to a fake Twilio, an owner with an organization.
import { createOrganization, signUp } from './factories.js'
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './fake-twilio.js'
import { startTestRuntime, type TestRuntime } from './runtime.js'

export interface TwilioTestRuntime extends TestRuntime {
  /** The fake Twilio the runtime talks to through the real `twilio` client; closed with the runtime. */
  twilio: FakeTwilio
}

/** A fresh fake Twilio and a runtime configured for it (plus `env`); `close` closes both. */
export async function startTwilioTestRuntime(env: Record<string, string> = {}): Promise<TwilioTestRuntime> {
  const twilio = await startFakeTwilio()
  const rt = await startTestRuntime({ env: { ...twilioEnv(twilio), ...env } }).catch(async (error) => {
    await twilio.close()
    throw error
  })
  return {
    ...rt,
    twilio,
    async close() {
      await rt.close()
      await twilio.close()
    },
  }
}

/**
 * Organization input for the Enterprise plan (set by the factories' operator): API keys and
 * webhooks need it (issue 17). `createOrganization(rt, owner, { ...ENTERPRISE, name })`.
 */
export const ENTERPRISE = { planType: 'enterprise' } as const

/** A new user and the organization they own. */
export async function ownerWithOrganization(rt: TestRuntime, input: Record<string, unknown> = {}) {
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner, input)
  return { owner, org }
}
