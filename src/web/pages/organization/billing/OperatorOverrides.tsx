import { FEATURE_LABELS, FEATURES, type Feature, PLANS, type PlanOverrides } from '../../../../shared/plans'
import type { Entitlements, OverridesChange } from '../../../api/billing'
import type { PlanType } from '../../../api/types'
import { SelectField, TextField } from '../../../components/Field'
import { formatCount } from '../../../components/format'

type FeatureChoice = 'default' | 'on' | 'off'

/** The operator's overrides as the form edits them: blank numbers and 'default' mean the plan's own value. */
export interface OverridesDraft {
  numbers: string
  maxTotalChars: string
  features: Record<Feature, FeatureChoice>
}

export type OverridesErrors = Partial<Record<'numbers' | 'maxTotalChars', string>>

const choiceOf = (v: boolean | undefined): FeatureChoice => (v === undefined ? 'default' : v ? 'on' : 'off')
const choiceValue = (c: FeatureChoice): boolean | null => (c === 'default' ? null : c === 'on')

export function overridesDraftOf(o: PlanOverrides | null | undefined): OverridesDraft {
  const features = Object.fromEntries(FEATURES.map((f) => [f, choiceOf(o?.features?.[f])])) as Record<
    Feature,
    FeatureChoice
  >
  return {
    numbers: o?.numbers === undefined ? '' : String(o.numbers),
    maxTotalChars: o?.maxTotalChars === undefined ? '' : String(o.maxTotalChars),
    features,
  }
}

/** The overrides behind effective entitlements (what …/billing answers): the values marked overridden. */
export function overridesOfEntitlements(e: Entitlements): PlanOverrides {
  return {
    ...(e.overridden.numbers ? { numbers: e.numbers } : {}),
    ...(e.overridden.maxTotalChars ? { maxTotalChars: e.knowledge.maxTotalChars } : {}),
    features: Object.fromEntries(e.overridden.features.map((f) => [f, e.features[f]])),
  }
}

/** "3 numbers, 500,000 knowledge characters, API keys and the public API on" — empty without overrides. */
export function overridesSummary(o: PlanOverrides | undefined): string {
  if (!o) return ''
  const parts = [
    ...(o.numbers === undefined ? [] : [`${formatCount(o.numbers)} number${o.numbers === 1 ? '' : 's'}`]),
    ...(o.maxTotalChars === undefined ? [] : [`${formatCount(o.maxTotalChars)} knowledge characters`]),
    ...FEATURES.flatMap((f) => {
      const v = o.features?.[f]
      return v === undefined ? [] : [`${FEATURE_LABELS[f]} ${v ? 'on' : 'off'}`]
    }),
  ]
  return parts.join(', ')
}

const WHOLE = /^\d+$/

/**
 * What to send: only the overrides the operator changed (null removes one), so a form opened on
 * partial knowledge never clears an override it did not show. Undefined when nothing changed.
 */
export function overridesChangeOf(
  initial: OverridesDraft,
  draft: OverridesDraft,
): { change?: OverridesChange; errors: OverridesErrors } {
  const errors: OverridesErrors = {}
  const change: OverridesChange = {}
  for (const key of ['numbers', 'maxTotalChars'] as const) {
    const text = draft[key].trim()
    if (text === initial[key].trim()) continue
    if (text !== '' && !WHOLE.test(text)) {
      errors[key] = 'Enter a whole number, or leave it blank for the plan’s own'
      continue
    }
    change[key] = text === '' ? null : Number(text)
  }
  const features = Object.fromEntries(
    FEATURES.filter((f) => draft.features[f] !== initial.features[f]).map((f) => [
      f,
      choiceValue(draft.features[f]),
    ]),
  )
  if (Object.keys(features).length > 0) change.features = features
  return { change: Object.keys(change).length > 0 ? change : undefined, errors }
}

/** Per-organization overrides on top of the plan (a custom deal): numbers, knowledge, each feature. */
export function OperatorOverridesFields({
  idPrefix,
  planType,
  draft,
  onChange,
  errors,
}: {
  idPrefix: string
  planType: PlanType
  draft: OverridesDraft
  onChange: (next: OverridesDraft) => void
  errors: OverridesErrors
}) {
  const plan = PLANS[planType]
  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3" data-testid="operator-overrides">
      <legend className="px-1 text-sm font-medium text-slate-700">Overrides for this organization</legend>
      <p className="text-xs text-slate-600">
        Blank or “plan default” uses the {plan.label} plan’s own value.
      </p>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          id={`${idPrefix}-numbers`}
          label="WhatsApp numbers"
          type="number"
          min={0}
          placeholder={String(plan.numbers)}
          hint={`Plan: ${plan.numbers}`}
          value={draft.numbers}
          onChange={(e) => onChange({ ...draft, numbers: e.target.value })}
          error={errors.numbers}
        />
        <TextField
          id={`${idPrefix}-knowledge`}
          label="Knowledge characters"
          type="number"
          min={0}
          placeholder={String(plan.knowledge.maxTotalChars)}
          hint={`Plan: ${formatCount(plan.knowledge.maxTotalChars)}`}
          value={draft.maxTotalChars}
          onChange={(e) => onChange({ ...draft, maxTotalChars: e.target.value })}
          error={errors.maxTotalChars}
        />
        {FEATURES.map((f) => (
          <SelectField
            key={f}
            id={`${idPrefix}-feature-${f}`}
            label={FEATURE_LABELS[f]}
            value={draft.features[f]}
            onChange={(e) => {
              const v = e.target.value
              const choice: FeatureChoice = v === 'on' || v === 'off' ? v : 'default'
              onChange({ ...draft, features: { ...draft.features, [f]: choice } })
            }}
          >
            <option value="default">Plan default ({plan.features[f] ? 'on' : 'off'})</option>
            <option value="on">On</option>
            <option value="off">Off</option>
          </SelectField>
        ))}
      </div>
    </fieldset>
  )
}
