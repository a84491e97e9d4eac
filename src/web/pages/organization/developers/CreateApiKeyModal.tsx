import { useState } from 'react'
import type { ApiScope } from '../../../../shared/enums'
import { type CreatedApiKey, useCreateApiKey } from '../../../api/developers'
import { Button } from '../../../components/Button'
import { CheckboxField, TextField } from '../../../components/Field'
import { useServerForm } from '../../../components/forms/useServerForm'
import { Modal } from '../../../components/Modal'
import { PlanErrorNotice } from '../../../components/PlanRequired'
import { SCOPE_DESCRIPTIONS, SCOPES } from './labels'
import { SecretBox } from './SecretBox'

interface KeyForm {
  name: string
  scopes: ApiScope[]
  /** A day (yyyy-mm-dd) in the reader's time zone; the key works until that day ends. */
  expiresOn: string
}

const empty: KeyForm = { name: '', scopes: [], expiresOn: '' }

const today = () => {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** The end of `day` in the reader's time zone, as the API's ISO instant. */
const endOf = (day: string) => new Date(`${day}T23:59:59`).toISOString()

function KeyFormBody({
  orgId,
  onCreated,
  onCancel,
}: {
  orgId: string
  onCreated: (c: CreatedApiKey) => void
  onCancel: () => void
}) {
  const create = useCreateApiKey(orgId)
  const form = useServerForm<KeyForm>(empty, create)
  const [noScope, setNoScope] = useState(false)
  const { values } = form
  const toggle = (scope: ApiScope, on: boolean) => {
    setNoScope(false)
    form.set(
      'scopes',
      SCOPES.filter((s) => (s === scope ? on : values.scopes.includes(s))),
    )
  }
  const save = form.submit((v) => {
    if (v.scopes.length === 0) {
      setNoScope(true)
      return
    }
    create.mutate(
      { name: v.name.trim(), scopes: v.scopes, expiresAt: v.expiresOn ? endOf(v.expiresOn) : null },
      { onSuccess: onCreated },
    )
  })
  const scopeError = noScope ? 'Choose at least one scope.' : form.error('scopes')

  return (
    <form noValidate onSubmit={save} className="space-y-4" aria-label="New API key">
      <TextField
        id="api-key-name"
        label="Name"
        hint="What uses it, e.g. “Shop website” or “CRM sync”: you will recognise it in the list."
        autoComplete="off"
        maxLength={100}
        {...form.bind('name')}
      />
      <fieldset className="space-y-2" aria-describedby={scopeError ? 'api-key-scopes-error' : undefined}>
        <legend className="text-sm font-medium text-slate-700">Scopes</legend>
        <p className="text-xs text-slate-500">
          What the key may do. Give it only what the program needs; a key never manages members, keys or
          webhooks.
        </p>
        <div className="grid gap-2">
          {SCOPES.map((scope) => (
            <CheckboxField
              key={scope}
              id={`api-key-scope-${scope.replace(':', '-')}`}
              label={<code>{scope}</code>}
              description={SCOPE_DESCRIPTIONS[scope]}
              checked={values.scopes.includes(scope)}
              onChange={(on) => toggle(scope, on)}
            />
          ))}
        </div>
        {scopeError && (
          <p id="api-key-scopes-error" role="alert" className="text-xs text-red-600">
            {scopeError}
          </p>
        )}
      </fieldset>
      <TextField
        id="api-key-expires"
        type="date"
        label="Expires on (optional)"
        hint="The key stops working at the end of that day. Leave empty for a key that works until revoked."
        min={today()}
        value={values.expiresOn}
        onChange={(e) => form.set('expiresOn', e.target.value)}
        error={form.error('expiresAt')}
      />
      {create.isError && !form.hasFieldErrors && (
        <PlanErrorNotice error={create.error} title="Key not created" />
      )}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" busy={create.isPending}>
          Create key
        </Button>
      </div>
    </form>
  )
}

/**
 * Creating a key: the form, then its secret, once. Closing the dialog forgets the secret; the list
 * only ever shows the key's prefix.
 */
export function CreateApiKeyModal({
  orgId,
  open,
  onClose,
}: {
  orgId: string
  open: boolean
  onClose: () => void
}) {
  const [created, setCreated] = useState<CreatedApiKey | null>(null)
  const close = () => {
    setCreated(null)
    onClose()
  }
  return (
    <Modal open={open} title={created ? 'Copy your new API key' : 'Create an API key'} onClose={close}>
      {created ? (
        <div className="space-y-4" data-testid="api-key-created">
          <p
            role="alert"
            className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          >
            <strong>This is the only time the key is shown.</strong> Copy it now and keep it somewhere safe,
            such as your server's environment or a password manager. If you lose it, revoke it and create a
            new one.
          </p>
          <SecretBox id="api-key-secret" label={`Secret of “${created.key.name}”`} secret={created.secret} />
          <p className="text-sm text-slate-700">
            Send it as <code>Authorization: Bearer {created.key.prefix}…</code> with each request.
          </p>
          <div className="flex justify-end">
            <Button onClick={close}>I have copied it</Button>
          </div>
        </div>
      ) : (
        open && <KeyFormBody orgId={orgId} onCreated={setCreated} onCancel={close} />
      )}
    </Modal>
  )
}
