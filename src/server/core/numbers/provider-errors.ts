import { TelephonyError } from '../../providers/telephony/types.js'
import { AppError, BadRequest, Conflict, NotFound, ProviderFailed } from '../errors.js'

/** A telephony failure as the API shows it; anything else is rethrown unchanged. */
export function toAppError(err: unknown): Error {
  if (!(err instanceof TelephonyError)) return err instanceof Error ? err : new Error(String(err))
  const code = err.providerCode === undefined ? {} : { providerCode: err.providerCode }
  switch (err.kind) {
    case 'not_available':
      return new Conflict(`That number is no longer available: ${err.message}`, code)
    case 'invalid':
      return new BadRequest(`The provider refused the request: ${err.message}`, code)
    case 'not_found':
      return new NotFound('Number at the provider')
    case 'rate_limited':
      return new ProviderFailed('Twilio is rate limiting the platform; try again in a minute', 60, code)
    case 'auth':
      return new ProviderFailed(
        'The platform could not authenticate with Twilio; the operator has been told',
        300,
        code,
      )
    default:
      return new ProviderFailed(
        `Twilio is unavailable right now (${err.message}); try again shortly`,
        30,
        code,
      )
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError

/** The reason recorded on a failed number. */
export const reasonOf = (err: unknown) =>
  err instanceof TelephonyError
    ? `${err.message}${err.providerCode === undefined ? '' : ` (Twilio ${err.providerCode})`}`
    : err instanceof Error
      ? err.message
      : String(err)
