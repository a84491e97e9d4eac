import { type ReactNode, useState } from 'react'
import { Link } from 'react-router-dom'
import { overLimitOf, useBroadcastPreview, useCreateBroadcast } from '../../../api/broadcasts'
import { useTemplates } from '../../../api/templates'
import type {
  Audience,
  Broadcast,
  BroadcastPreviewInput,
  NewBroadcast,
  Organization,
  Template,
  VariableSource,
} from '../../../api/types'
import { Button, focusRing } from '../../../components/Button'
import { Card, ErrorNotice, Skeleton } from '../../../components/Feedback'
import { RadioGroup, SelectField, TextField } from '../../../components/Field'
import { formatCount } from '../../../components/format'
import { useServerForm } from '../../../components/forms/useServerForm'
import { ConfirmDialog } from '../../../components/Modal'
import { useToast } from '../../../components/Toast'
import { AudienceSection, type AudienceValues } from './AudienceSection'
import { formatLocal, nextDay, wallClockIn } from './orgTime'
import { PreviewPanel } from './PreviewPanel'
import { useDebounced } from './useDebounced'
import { sourceComplete, TemplateBody, VariablesSection } from './VariablesSection'

interface ComposeValues extends AudienceValues {
  name: string
  templateId: string
  variables: Record<string, VariableSource>
  when: 'now' | 'later'
  sendDate: string
  sendTime: string
}

/** What the API takes for the audience, or null while it is not chosen. */
function audienceOf(v: AudienceValues): Audience | null {
  if (v.audienceKind === 'segment') return v.segmentId ? { kind: 'segment', segmentId: v.segmentId } : null
  if (v.audienceKind === 'contacts')
    return v.contactIds.length > 0 ? { kind: 'contacts', contactIds: v.contactIds } : null
  return v.tags.length > 0 ? { kind: 'filter', filter: { tags: v.tags, tagMode: v.tagMode } } : null
}

/** The template's variables with their sources, an empty fallback meaning "none". */
function variablesOf(template: Template, sources: Record<string, VariableSource>) {
  const out: Record<string, VariableSource> = {}
  for (const n of template.variables) {
    const s = sources[n] ?? { from: 'name' }
    out[n] = s.from === 'attribute' && !s.fallback?.trim() ? { from: 'attribute', key: s.key.trim() } : s
  }
  return out
}

/** One numbered part of the form, its heading naming the section. */
function Step({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="space-y-3" aria-labelledby={id}>
      <h3 id={id} className="font-semibold">
        {title}
      </h3>
      {children}
    </section>
  )
}

/** Name, approved template and its variables, audience, time: with the audience's count and sample messages as it changes. */
export function ComposeBroadcast({
  org,
  contactIds,
  onCreated,
  onCancel,
}: {
  org: Organization
  contactIds: string[]
  onCreated: (broadcast: Broadcast) => void
  onCancel: () => void
}) {
  const timeZone = org.businessHours.timezone
  const templates = useTemplates(org.id)
  const create = useCreateBroadcast(org.id)
  const toast = useToast()
  const [confirming, setConfirming] = useState(false)
  const form = useServerForm<ComposeValues>(() => {
    const now = wallClockIn(timeZone)
    return {
      name: '',
      templateId: '',
      variables: {},
      audienceKind: contactIds.length > 0 ? 'contacts' : 'segment',
      segmentId: '',
      tags: [],
      tagMode: 'any',
      contactIds,
      when: 'now',
      sendDate: nextDay(now.date),
      sendTime: '09:00',
    }
  }, create)
  const v = form.values

  const approved = (templates.data ?? []).filter((t) => t.status === 'approved')
  const template = approved.find((t) => t.id === v.templateId)
  const audience = audienceOf(v)
  const incomplete =
    template?.variables.filter((n) => !sourceComplete(v.variables[n] ?? { from: 'name' })) ?? []
  const waitingFor = !template
    ? 'Choose a template to see the audience and the messages.'
    : incomplete.length > 0
      ? `Say what fills ${incomplete.map((n) => `{{${n}}}`).join(', ')}.`
      : !audience
        ? 'Choose who receives it.'
        : null
  const previewInput: BroadcastPreviewInput | null =
    template && audience && !waitingFor
      ? { templateId: template.id, variables: variablesOf(template, v.variables), audience }
      : null
  const preview = useBroadcastPreview(org.id, useDebounced(previewInput, 400))
  const previewReady =
    previewInput !== null && preview.data !== undefined && !preview.isError && preview.data.sendable > 0

  const bodyOf = (values: ComposeValues, upToLimit: boolean): NewBroadcast | null => {
    const a = audienceOf(values)
    if (!template || !a) return null
    return {
      name: values.name.trim(),
      templateId: template.id,
      variables: variablesOf(template, values.variables),
      audience: a,
      ...(values.when === 'later' ? { sendAt: `${values.sendDate}T${values.sendTime}` } : {}),
      ...(upToLimit ? { upToLimit: true } : {}),
    }
  }
  const send = (upToLimit: boolean) => {
    const body = bodyOf(v, upToLimit)
    if (!body) return
    create.mutate(body, {
      onSuccess: (broadcast) => {
        setConfirming(false)
        toast(
          broadcast.status === 'scheduled'
            ? `“${broadcast.name}” is scheduled for ${formatLocal(broadcast.sendAtLocal, broadcast.timeZone)}.`
            : `“${broadcast.name}” is being sent.`,
        )
        onCreated(broadcast)
      },
      onError: () => setConfirming(false),
    })
  }
  const overLimit = overLimitOf(create.error)
  const setSource = (n: string, source: VariableSource) =>
    form.setValues((old) => ({ ...old, variables: { ...old.variables, [n]: source } }))
  const sendable = preview.data?.sendable
  const audienceWords = sendable === undefined ? '' : ` to ${formatCount(sendable)} contacts`

  return (
    <Card
      title="New broadcast"
      actions={
        <Button variant="secondary" onClick={onCancel}>
          Back to the list
        </Button>
      }
    >
      <form
        noValidate
        className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]"
        data-testid="compose-broadcast"
        onSubmit={form.submit(() => setConfirming(true))}
      >
        <div className="space-y-6">
          {org.numberStatus !== 'active' && (
            <p
              className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800"
              data-testid="no-active-number"
            >
              Broadcasts are sent from your WhatsApp number, and this organization has no active number yet.{' '}
              <Link to="?tab=overview" className={`font-medium underline ${focusRing}`}>
                Get one on the Overview tab
              </Link>
              .
            </p>
          )}
          <Step id="bc-step-message" title="1. Message">
            <TextField
              id="bc-name"
              label="Name (for you, customers do not see it)"
              placeholder="Spring sale"
              {...form.bind('name')}
            />
            {templates.isPending ? (
              <Skeleton className="h-9 w-full" />
            ) : templates.isError ? (
              <ErrorNotice error={templates.error} title="Could not load the templates" />
            ) : approved.length === 0 ? (
              <p
                className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800"
                data-testid="no-approved-template"
              >
                WhatsApp lets a business write first only with a template it has approved, and none is
                approved yet.{' '}
                <Link to="?tab=templates" className={`font-medium underline ${focusRing}`}>
                  Create one on the Templates tab
                </Link>
                .
              </p>
            ) : (
              <SelectField
                id="bc-template"
                label="Approved template"
                {...form.bind('templateId')}
                hint={
                  <Link to="?tab=templates" className={`text-emerald-700 underline ${focusRing}`}>
                    Manage templates
                  </Link>
                }
              >
                <option value="">Choose a template…</option>
                {approved.map((t) => (
                  <option key={t.id} value={t.id}>
                    {`${t.name} (${t.language})`}
                  </option>
                ))}
              </SelectField>
            )}
            {template && (
              <>
                <TemplateBody body={template.body} />
                <VariablesSection
                  variables={template.variables}
                  sources={v.variables}
                  onChange={setSource}
                  error={form.error}
                />
              </>
            )}
          </Step>

          <Step id="bc-step-audience" title="2. Audience">
            <p className="text-sm text-slate-600">
              Opted-out contacts are never messaged; contacts who never opted in are skipped.
            </p>
            <AudienceSection
              orgId={org.id}
              values={v}
              onChange={(patch) => form.setValues((old) => ({ ...old, ...patch }))}
              error={form.error}
            />
          </Step>

          <Step id="bc-step-when" title="3. When">
            <RadioGroup
              name="bc-when"
              legend="When to send"
              legendHidden
              options={[
                { id: 'now', label: 'Send now' },
                { id: 'later', label: 'Schedule' },
              ]}
              value={v.when}
              onChange={(when) => form.set('when', when)}
            />
            {v.when === 'later' && (
              <div className="space-y-1">
                <div className="grid gap-3 sm:grid-cols-2">
                  <TextField id="bc-send-date" type="date" label="Date" {...form.bind('sendDate')} />
                  <TextField
                    id="bc-send-time"
                    type="time"
                    label={`Time (${timeZone})`}
                    {...form.bind('sendTime')}
                    error={form.error('sendAt')}
                  />
                </div>
                <p className="text-xs text-slate-600" data-testid="schedule-zone">
                  {`In the organization's time zone, ${timeZone}: ${formatLocal(`${v.sendDate}T${v.sendTime}`, timeZone)}. `}
                  <Link to="?tab=settings" className={`text-emerald-700 underline ${focusRing}`}>
                    Change the time zone in Settings
                  </Link>
                </p>
              </div>
            )}
          </Step>

          {overLimit ? (
            <div
              role="alert"
              className="space-y-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
              data-testid="over-limit"
            >
              <p>
                {`This broadcast needs ${formatCount(overLimit.needed)} messages, and ${formatCount(overLimit.remaining)} are left this month.`}
              </p>
              <div className="flex flex-wrap gap-2">
                <Button
                  onClick={() => send(true)}
                  busy={create.isPending}
                  disabled={overLimit.remaining <= 0}
                >
                  {`Send up to the limit (${formatCount(overLimit.remaining)})`}
                </Button>
                <Button variant="secondary" onClick={() => create.reset()}>
                  Change the audience
                </Button>
              </div>
            </div>
          ) : (
            <ErrorNotice error={create.error} title="Not sent" showFields={!form.hasFieldErrors} />
          )}
          <div className="flex flex-wrap gap-2">
            <Button type="submit" busy={create.isPending} disabled={!previewReady || approved.length === 0}>
              {v.when === 'later'
                ? `Schedule${audienceWords.replace(' to ', ' for ')}`
                : `Send now${audienceWords}`}
            </Button>
            <Button variant="ghost" onClick={onCancel}>
              Discard
            </Button>
          </div>
        </div>

        <aside className="space-y-3" aria-labelledby="bc-preview-title">
          <h3 id="bc-preview-title" className="font-semibold">
            Preview
          </h3>
          <PreviewPanel
            preview={previewInput ? preview.data : undefined}
            waitingFor={waitingFor}
            loading={preview.isFetching}
            error={previewInput ? preview.error : null}
          />
        </aside>
      </form>

      <ConfirmDialog
        open={confirming}
        title={v.when === 'later' ? 'Schedule this broadcast?' : 'Send this broadcast now?'}
        confirmLabel={v.when === 'later' ? 'Schedule' : 'Send'}
        busy={create.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() => send(false)}
      >
        <p className="text-sm text-slate-700">
          {`“${v.name.trim() || 'This broadcast'}” with the template ${template?.name ?? ''} goes to ${formatCount(sendable ?? 0)} contacts`}
          {v.when === 'later' ? ` on ${formatLocal(`${v.sendDate}T${v.sendTime}`, timeZone)}.` : ' now.'}
          {preview.data && preview.data.total > preview.data.sendable
            ? ` ${formatCount(preview.data.total - preview.data.sendable)} are skipped.`
            : ''}
        </p>
      </ConfirmDialog>
    </Card>
  )
}
