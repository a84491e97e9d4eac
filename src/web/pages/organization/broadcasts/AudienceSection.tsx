import { Link } from 'react-router-dom'
import { useSegments, useTags } from '../../../api/contacts'
import { focusRing } from '../../../components/Button'
import { ErrorNotice, Skeleton } from '../../../components/Feedback'
import { choiceClass, RadioGroup, SelectField } from '../../../components/Field'
import { formatCount } from '../../../components/format'

export type AudienceKind = 'segment' | 'tags' | 'contacts'

export interface AudienceValues {
  audienceKind: AudienceKind
  segmentId: string
  tags: string[]
  tagMode: 'any' | 'all'
  /** Contacts chosen on the Contacts tab (`?contacts=` on the way here). */
  contactIds: string[]
}

/** Who receives the broadcast: a saved segment, contacts carrying tags, or a selection from the Contacts tab. */
export function AudienceSection({
  orgId,
  values,
  onChange,
  error,
}: {
  orgId: string
  values: AudienceValues
  onChange: (patch: Partial<AudienceValues>) => void
  error: (path: string) => string | undefined
}) {
  const segments = useSegments(orgId)
  const tags = useTags(orgId)
  const kinds: { id: AudienceKind; label: string }[] = [
    { id: 'segment', label: 'A saved segment' },
    { id: 'tags', label: 'Contacts with tags' },
    ...(values.contactIds.length > 0
      ? [
          {
            id: 'contacts' as const,
            label: `The ${formatCount(values.contactIds.length)} contacts you chose`,
          },
        ]
      : []),
  ]
  const toggleTag = (name: string, on: boolean) =>
    onChange({ tags: on ? [...values.tags, name] : values.tags.filter((t) => t !== name) })

  return (
    <div className="space-y-3">
      <RadioGroup
        name="bc-audience-kind"
        legend="Audience"
        legendHidden
        options={kinds}
        value={values.audienceKind}
        onChange={(audienceKind) => onChange({ audienceKind })}
      />

      {values.audienceKind === 'segment' &&
        (segments.isPending ? (
          <Skeleton className="h-9 w-full" />
        ) : segments.isError ? (
          <ErrorNotice error={segments.error} title="Could not load the segments" />
        ) : segments.data.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="no-segments">
            No segments yet.{' '}
            <Link to="?tab=contacts" className={`font-medium text-emerald-700 underline ${focusRing}`}>
              Save one on the Contacts tab
            </Link>{' '}
            from a filter, or pick contacts by tags here.
          </p>
        ) : (
          <SelectField
            id="bc-segment"
            label="Segment"
            value={values.segmentId}
            onChange={(e) => onChange({ segmentId: e.target.value })}
          >
            <option value="">Choose a segment…</option>
            {segments.data.map((s) => (
              <option key={s.id} value={s.id}>
                {`${s.name} (${formatCount(s.contactCount)} contacts)`}
              </option>
            ))}
          </SelectField>
        ))}

      {values.audienceKind === 'tags' &&
        (tags.isPending ? (
          <Skeleton className="h-9 w-full" />
        ) : tags.isError ? (
          <ErrorNotice error={tags.error} title="Could not load the tags" />
        ) : tags.data.length === 0 ? (
          <p className="text-sm text-slate-600">
            No tags yet.{' '}
            <Link to="?tab=contacts" className={`font-medium text-emerald-700 underline ${focusRing}`}>
              Tag contacts on the Contacts tab
            </Link>
            .
          </p>
        ) : (
          <div className="space-y-3">
            <fieldset>
              <legend className="mb-1 text-sm font-medium text-slate-700">Tags</legend>
              <div className="flex flex-wrap gap-2">
                {tags.data.map((t) => {
                  const on = values.tags.includes(t.name)
                  return (
                    <label
                      key={t.id}
                      className={`flex items-center gap-2 rounded-full border px-3 py-1 text-sm ${
                        on ? 'border-emerald-600 bg-emerald-50' : 'border-slate-300 bg-white'
                      }`}
                    >
                      <input
                        type="checkbox"
                        className={choiceClass}
                        checked={on}
                        onChange={(e) => toggleTag(t.name, e.target.checked)}
                      />
                      <span
                        className="h-2.5 w-2.5 rounded-full"
                        style={{ background: t.color }}
                        aria-hidden
                      />
                      {t.name}
                      <span className="text-xs text-slate-600">{formatCount(t.contactCount)}</span>
                    </label>
                  )
                })}
              </div>
            </fieldset>
            <RadioGroup
              name="bc-tag-mode"
              legend="Contacts with"
              options={[
                { id: 'any', label: 'any of these tags' },
                { id: 'all', label: 'all of these tags' },
              ]}
              value={values.tagMode}
              onChange={(tagMode) => onChange({ tagMode })}
            />
          </div>
        ))}

      {error('audience') && (
        <p role="alert" className="text-xs text-red-600" data-field-error="audience">
          {error('audience')}
        </p>
      )}

      {values.audienceKind === 'contacts' && (
        <p className="text-sm text-slate-600">
          {formatCount(values.contactIds.length)} contacts chosen on the{' '}
          <Link to="?tab=contacts" className={`font-medium text-emerald-700 underline ${focusRing}`}>
            Contacts tab
          </Link>
          .
        </p>
      )}
    </div>
  )
}
