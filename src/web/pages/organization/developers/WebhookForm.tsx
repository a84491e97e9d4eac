import { useState } from 'react'
import type { WebhookEventType } from '../../../../shared/enums'
import type { NewWebhook } from '../../../api/developers'
import { Button } from '../../../components/Button'
import { CheckboxField, TextField } from '../../../components/Field'
import { useServerForm } from '../../../components/forms/useServerForm'
import { PlanErrorNotice } from '../../../components/PlanRequired'
import { EVENT_DESCRIPTIONS, SUBSCRIBABLE_EVENTS } from './labels'

interface EndpointForm {
  url: string
  description: string
  events: WebhookEventType[]
}

/**
 * An endpoint's URL, description and events, for adding one and for editing it. `saving` is the
 * mutation that saves it, whose field errors the fields show.
 */
export function WebhookForm({
  idPrefix,
  initial,
  saving,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  idPrefix: string
  initial?: EndpointForm
  saving: { error: unknown; isError: boolean; isPending: boolean }
  submitLabel: string
  onSubmit: (input: NewWebhook) => void
  onCancel: () => void
}) {
  const form = useServerForm<EndpointForm>(initial ?? { url: '', description: '', events: [] }, saving)
  const [noEvent, setNoEvent] = useState(false)
  const { values } = form
  const toggle = (event: WebhookEventType, on: boolean) => {
    setNoEvent(false)
    form.set(
      'events',
      SUBSCRIBABLE_EVENTS.filter((e) => (e === event ? on : values.events.includes(e))),
    )
  }
  const all = SUBSCRIBABLE_EVENTS.every((e) => values.events.includes(e))
  const save = form.submit((v) => {
    if (v.events.length === 0) {
      setNoEvent(true)
      return
    }
    onSubmit({ url: v.url.trim(), description: v.description.trim(), events: v.events })
  })
  const eventsError = noEvent ? 'Choose at least one event.' : form.error('events')
  const errorId = `${idPrefix}-events-error`

  return (
    <form noValidate onSubmit={save} className="space-y-4" aria-label={submitLabel}>
      <TextField
        id={`${idPrefix}-url`}
        label="Endpoint URL"
        type="url"
        inputMode="url"
        placeholder="https://example.com/webhooks/whatsapp"
        hint="An https address on your server that accepts POST requests."
        autoComplete="off"
        {...form.bind('url')}
      />
      <TextField
        id={`${idPrefix}-description`}
        label="Description (optional)"
        autoComplete="off"
        maxLength={500}
        {...form.bind('description')}
      />
      <fieldset className="space-y-2" aria-describedby={eventsError ? errorId : undefined}>
        <legend className="text-sm font-medium text-slate-700">Events</legend>
        <CheckboxField
          id={`${idPrefix}-events-all`}
          label="Every event"
          checked={all}
          onChange={(on) => {
            setNoEvent(false)
            form.set('events', on ? [...SUBSCRIBABLE_EVENTS] : [])
          }}
        />
        <div className="grid gap-2 border-l-2 border-slate-100 pl-3">
          {SUBSCRIBABLE_EVENTS.map((event) => (
            <CheckboxField
              key={event}
              id={`${idPrefix}-event-${event.replace(/[._]/g, '-')}`}
              label={<code>{event}</code>}
              description={EVENT_DESCRIPTIONS[event]}
              checked={values.events.includes(event)}
              onChange={(on) => toggle(event, on)}
            />
          ))}
        </div>
        {eventsError && (
          <p id={errorId} role="alert" className="text-xs text-red-600">
            {eventsError}
          </p>
        )}
      </fieldset>
      {saving.isError && !form.hasFieldErrors && <PlanErrorNotice error={saving.error} title="Not saved" />}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" busy={saving.isPending}>
          {submitLabel}
        </Button>
      </div>
    </form>
  )
}
