import type { Config } from '../../config.js'
import type { Db } from '../../db/client.js'
import { TelephonyError, type Telephony } from './types.js'

// Placeholder until the numbers issue: every operation reports that it is not available.
export class SandboxTelephony implements Telephony {
  readonly kind = 'sandbox' as const
  readonly webhookAuthToken: string
  constructor(
    config: Config,
    private readonly db: Db,
  ) {
    this.webhookAuthToken = config.sandboxToken
  }
  private no(): never {
    throw new TelephonyError('unavailable', 'sandbox telephony is not built yet')
  }
  searchNumbers = async () => this.no()
  purchaseNumber = async () => this.no()
  updateWebhooks = async () => this.no()
  getNumber = async () => this.no()
  listNumbers = async () => this.no()
  releaseNumber = async () => this.no()
  registerSender = async () => this.no()
  getSender = async () => this.no()
  deleteSender = async () => this.no()
  sendMessage = async () => this.no()
}
