import { type FormEvent, useState } from 'react'
import { ApiError } from '../../../api/client'
import { type ErasedCounts, useDownloadCustomerData, useEraseCustomer } from '../../../api/data'
import type { Organization } from '../../../api/types'
import { Button } from '../../../components/Button'
import { Card, ErrorNotice } from '../../../components/Feedback'
import { TextField } from '../../../components/Field'
import { formatCount, formatPhone } from '../../../components/format'
import { ConfirmDialog } from '../../../components/Modal'
import { useToast } from '../../../components/Toast'

/** A number as typed ("+250 788-123 456") the way the API keys it: + and digits. */
export const normalizePhone = (typed: string) => {
  const digits = typed.replace(/\D/g, '')
  return digits ? `+${digits}` : ''
}

const ERASED_LABELS: [keyof ErasedCounts, string, string][] = [
  ['contacts', 'contact', 'contacts'],
  ['conversations', 'conversation', 'conversations'],
  ['messages', 'message', 'messages'],
  ['broadcastRecipients', 'broadcast result anonymized', 'broadcast results anonymized'],
  ['webhookDeliveries', 'webhook delivery', 'webhook deliveries'],
  ['exports', 'earlier export', 'earlier exports'],
]

function ErasedSummary({ phone, erased }: { phone: string; erased: ErasedCounts }) {
  const total = ERASED_LABELS.reduce((sum, [key]) => sum + erased[key], 0)
  return (
    <div
      role="status"
      className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
      data-testid="erased-summary"
    >
      <p className="font-medium">
        {total === 0
          ? `Nothing was held on ${formatPhone(phone, 'international')}.`
          : `The data on ${formatPhone(phone, 'international')} is erased:`}
      </p>
      {total > 0 && (
        <ul className="mt-1 list-disc pl-5" data-testid="erased-counts">
          {ERASED_LABELS.filter(([key]) => erased[key] > 0).map(([key, one, many]) => (
            <li key={key} data-erased={key}>
              {formatCount(erased[key])} {erased[key] === 1 ? one : many}
            </li>
          ))}
        </ul>
      )}
      <p className="mt-1 text-xs">
        Your monthly usage counts are kept: they say how many messages there were, not what they said.
      </p>
    </div>
  )
}

/**
 * A customer's requests under the GDPR: a copy of everything held on their number (art. 15), and
 * its erasure (art. 17) behind retyping the number.
 */
export function CustomerDataSection({ org }: { org: Organization }) {
  const [typed, setTyped] = useState('')
  const [confirming, setConfirming] = useState(false)
  const [retyped, setRetyped] = useState('')
  const [erasedFor, setErasedFor] = useState<{ phone: string; erased: ErasedCounts } | null>(null)
  const download = useDownloadCustomerData(org.id)
  const erase = useEraseCustomer(org.id)
  const toast = useToast()
  const phone = normalizePhone(typed)
  const invalid = typed.trim() !== '' && phone.length < 8
  const downloadError = download.error instanceof ApiError ? download.error : null

  const onDownload = (e: FormEvent) => {
    e.preventDefault()
    if (!phone || invalid) return
    setErasedFor(null)
    download.mutate(phone, { onSuccess: () => toast('The customer’s data is downloading.') })
  }
  const closeConfirm = () => {
    setConfirming(false)
    setRetyped('')
    erase.reset()
  }

  return (
    <Card title="A customer’s data">
      <div className="space-y-4" data-testid="customer-data-section">
        <ul className="list-disc space-y-1 pl-5 text-sm text-slate-600">
          <li>
            <span className="font-medium text-slate-800">Right of access (GDPR art. 15):</span> a customer may
            ask for a copy of everything you hold on them — download it and send it to them.
          </li>
          <li>
            <span className="font-medium text-slate-800">Right to erasure (GDPR art. 17):</span> a customer
            may ask you to delete it — their contact, conversations and messages.
          </li>
        </ul>
        <form className="space-y-3" noValidate onSubmit={onDownload}>
          <TextField
            id="customer-phone"
            label="The customer’s WhatsApp number"
            type="tel"
            inputMode="tel"
            autoComplete="off"
            placeholder="+250788123456"
            value={typed}
            onChange={(e) => {
              setTyped(e.target.value)
              download.reset()
            }}
            error={invalid ? 'Type the number with its country code, e.g. +250788123456.' : undefined}
            hint="With its country code."
          />
          <div className="flex flex-wrap gap-2">
            <Button type="submit" variant="secondary" busy={download.isPending} disabled={!phone || invalid}>
              Download their data
            </Button>
            <Button
              variant="danger"
              disabled={!phone || invalid}
              onClick={() => {
                setErasedFor(null)
                setConfirming(true)
              }}
            >
              Erase their data
            </Button>
          </div>
          {download.isError && (
            <ErrorNotice
              error={download.error}
              title={downloadError?.status === 404 ? 'Nothing held on this number' : 'Not downloaded'}
            />
          )}
        </form>
        {erasedFor && <ErasedSummary phone={erasedFor.phone} erased={erasedFor.erased} />}
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Erase everything on ${phone ? formatPhone(phone, 'international') : 'this number'}?`}
        confirmLabel="Erase for good"
        busy={erase.isPending}
        confirmDisabled={normalizePhone(retyped) !== phone}
        onClose={closeConfirm}
        onConfirm={() =>
          erase.mutate(phone, {
            onSuccess: (erased) => {
              setErasedFor({ phone, erased })
              setTyped('')
              closeConfirm()
            },
          })
        }
      >
        <p className="text-sm text-slate-700">
          The contact, its conversations and messages, its queued messages and webhook deliveries about it are
          deleted, and so is every export made until now (any of them may hold the customer). Broadcast
          results keep their counts without the number. This cannot be undone; if the customer writes again,
          they start as a new contact.
        </p>
        <TextField
          id="erase-confirm"
          label={
            <>
              Type <strong>{phone}</strong> to confirm
            </>
          }
          type="tel"
          autoComplete="off"
          value={retyped}
          onChange={(e) => setRetyped(e.target.value)}
        />
        {erase.isError && <ErrorNotice error={erase.error} title="Not erased" />}
      </ConfirmDialog>
    </Card>
  )
}
