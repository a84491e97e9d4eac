import type { VariantResults } from '../../../api/experiments'

type Mean = VariantResults['qualityScore']
type Rate = VariantResults['handOffRate']

/** "72 ± 7": a mean (or a rate) and half its 95% interval, each shown by `show`; "—" without data. */
export function formatEstimate(e: Mean | Rate, show: (n: number) => string): string {
  const value = 'rate' in e ? e.rate : e.mean
  if (value === null) return '—'
  if (e.low === null || e.high === null) return show(value)
  return `${show(value)} ± ${show((e.high - e.low) / 2)}`
}
