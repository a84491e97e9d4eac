import type { NumberType } from '../../providers/telephony/types.js'
import type { ActorCtx } from '../context.js'
import { toAppError } from './provider-errors.js'

/** Numbers the platform could buy now (any signed-in user may look). */
export async function searchNumbers({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { country: string; type: NumberType; contains?: string; limit: number }
}) {
  try {
    return await ctx.telephony.searchNumbers(input)
  } catch (err) {
    throw toAppError(err)
  }
}
