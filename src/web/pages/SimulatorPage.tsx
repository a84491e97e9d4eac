import { type FormEvent, useEffect, useRef, useState } from 'react'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom'
import { useSimulatorMessages, useSimulatorSend } from '../api/conversations'
import { useOrganizations } from '../api/organizations'
import type { Message, Organization } from '../api/types'
import { Ticks } from '../components/Badges'
import { Button, focusRing } from '../components/Button'
import { EmptyState, ErrorNotice, LoadingBlock } from '../components/Feedback'
import { inputClass, SelectField, TextField } from '../components/Field'
import { formatPhone, formatTime, messageSourceLabel } from '../components/format'
import { HelpLink } from '../components/HelpLink'
import { usageLevel } from '../components/UsageBar'

const DEFAULT_FROM = '+15551234567'
const E164 = /^\+[1-9]\d{6,14}$/

function Bubble({ m }: { m: Message }) {
  const outbound = m.direction === 'outbound'
  return (
    <li
      className={`flex ${outbound ? 'justify-start' : 'justify-end'}`}
      data-direction={m.direction}
      data-source={m.source}
      data-testid="sim-message"
    >
      <div
        className={`max-w-[85%] rounded-lg px-3 py-1.5 text-sm shadow ${outbound ? 'rounded-tl-none bg-white' : 'rounded-tr-none bg-[#d9fdd3]'}`}
      >
        {/* AI answers are the usual case; anything else says what it is. */}
        {outbound && m.source !== 'ai' && (
          <p className="text-[11px] font-medium text-emerald-700">{messageSourceLabel(m.source)}</p>
        )}
        <p className="whitespace-pre-wrap break-words">{m.body}</p>
        <p className="mt-0.5 flex items-center justify-end gap-1 text-[11px] text-slate-600">
          {formatTime(m.createdAt)}
          <Ticks status={m.status} />
        </p>
        {m.errorMessage && <p className="text-[11px] text-red-700">{m.errorMessage}</p>}
      </div>
    </li>
  )
}

function Phone({ org, from }: { org: Organization; from: string }) {
  const messages = useSimulatorMessages(org.id, from)
  const send = useSimulatorSend(org.id, from)
  const [text, setText] = useState('')
  const list = useRef<HTMLOListElement>(null)
  const count = messages.data?.length ?? 0
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when the message count changes
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight })
  }, [count])

  const onSend = (e: FormEvent) => {
    e.preventDefault()
    if (!text.trim()) return
    send.mutate(text, { onSuccess: () => setText('') })
  }
  const overLimit = usageLevel(org.monthlyMessageCount, org.monthlyMessageLimit) === 'full'
  // Writing as a customer tries the assistant: it takes the right to edit it (owner, admin).
  const canSimulate = org.role === 'owner' || org.role === 'admin'

  return (
    <div
      className="mx-auto w-full max-w-sm overflow-hidden rounded-[2rem] border-8 border-slate-800 bg-slate-800 shadow-xl"
      data-testid="phone"
    >
      <div className="flex items-center gap-3 bg-[#075e54] px-4 py-3 text-white">
        <div
          className="flex h-9 w-9 items-center justify-center rounded-full bg-emerald-200 font-semibold text-emerald-900"
          aria-hidden
        >
          {org.name.slice(0, 1).toUpperCase()}
        </div>
        <div className="min-w-0">
          <p className="truncate font-medium">{org.whatsappDisplayName || org.name}</p>
          <p className="truncate text-xs text-emerald-100">
            {org.whatsappNumber ? formatPhone(org.whatsappNumber) : 'no number yet'}
          </p>
        </div>
      </div>
      {overLimit && (
        <p className="bg-red-50 px-3 py-1.5 text-xs text-red-800" role="status">
          This organization has used its monthly messages: customers get a limit notice instead of AI answers.
        </p>
      )}
      <ol
        ref={list}
        className="h-[26rem] space-y-2 overflow-y-auto bg-[#efeae2] p-3"
        aria-label="Chat"
        aria-live="polite"
        data-testid="sim-chat"
      >
        {messages.isPending && messages.fetchStatus !== 'idle' && (
          <li>
            <LoadingBlock label="Loading the chat…" lines={2} />
          </li>
        )}
        {messages.data && messages.data.length === 0 && (
          <li className="mx-auto w-fit rounded-md bg-[#fff5c4] px-3 py-1 text-center text-xs text-slate-700">
            Write a message as a customer. Replies arrive here.
          </li>
        )}
        {messages.data?.map((m) => (
          <Bubble key={m.id} m={m} />
        ))}
      </ol>
      {messages.isError && (
        <div className="bg-white p-2">
          <ErrorNotice error={messages.error} title="Could not load the chat" />
        </div>
      )}
      {!canSimulate && (
        <p className="bg-amber-50 px-3 py-1.5 text-xs text-amber-900" role="status">
          Only the organization's owners and admins can write in the simulator. You can read its chats.
        </p>
      )}
      <form onSubmit={onSend} noValidate className="flex items-end gap-2 bg-[#f0f0f0] p-2">
        <label htmlFor="sim-text" className="sr-only">
          Message
        </label>
        <textarea
          id="sim-text"
          rows={1}
          value={text}
          disabled={!canSimulate}
          placeholder="Type a message"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) onSend(e)
          }}
          className={`${inputClass} resize-none rounded-full`}
        />
        <Button
          type="submit"
          busy={send.isPending}
          disabled={!text.trim() || !canSimulate}
          className="rounded-full"
        >
          Send
        </Button>
      </form>
      {send.isError && (
        <div className="bg-white p-2">
          <ErrorNotice error={send.error} title="Not sent" />
        </div>
      )}
    </div>
  )
}

export function SimulatorPage() {
  const { id: routeOrgId } = useParams()
  const [params, setParams] = useSearchParams()
  const navigate = useNavigate()
  const orgs = useOrganizations()
  const orgId = routeOrgId ?? params.get('org') ?? orgs.data?.[0]?.id ?? ''
  const [from, setFrom] = useState(params.get('from') ?? DEFAULT_FROM)
  const org = orgs.data?.find((o) => o.id === orgId)
  const validFrom = E164.test(from)

  const pickOrg = (id: string) => {
    if (routeOrgId) navigate(`/Dashboard/organizations/${id}/simulator`)
    else {
      const p = new URLSearchParams(params)
      p.set('org', id)
      setParams(p, { replace: true })
    }
  }

  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h1 className="text-2xl font-semibold">WhatsApp simulator</h1>
          <HelpLink page="simulator" />
        </div>
        <p className="text-sm text-slate-600">
          Write to an organization's number as a customer would. Messages go through the real webhook path, so
          the welcome message, business hours, limits and AI answers all apply.
        </p>
      </div>
      {orgs.isPending && <LoadingBlock label="Loading organizations…" />}
      {orgs.isError && <ErrorNotice error={orgs.error} title="Could not load your organizations" />}
      {orgs.data && orgs.data.length === 0 && (
        <EmptyState title="No organization to write to">
          <Link
            to="/Dashboard/organizations"
            className={`font-medium text-emerald-700 underline ${focusRing}`}
          >
            Create an organization
          </Link>{' '}
          first.
        </EmptyState>
      )}
      {orgs.data && orgs.data.length > 0 && (
        <div className="grid gap-6 lg:grid-cols-[18rem_1fr]">
          <div className="space-y-4">
            <SelectField
              id="sim-org"
              label="Organization"
              value={orgId}
              onChange={(e) => pickOrg(e.target.value)}
            >
              {!org && <option value="">Choose…</option>}
              {orgs.data.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                  {o.whatsappNumber ? ` (${formatPhone(o.whatsappNumber)})` : ''}
                </option>
              ))}
            </SelectField>
            <TextField
              id="sim-from"
              label="Customer phone number"
              value={from}
              inputMode="tel"
              onChange={(e) => setFrom(e.target.value.trim())}
              error={validFrom ? undefined : 'Use the international format, e.g. +15551234567'}
              hint="Each number is a different customer."
            />
            {org && !org.whatsappNumber && (
              <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800">
                {org.name} has no WhatsApp number yet.{' '}
                <Link
                  to={`/Dashboard/organizations/${org.id}`}
                  className={`font-medium underline ${focusRing}`}
                >
                  Provision one
                </Link>{' '}
                first.
              </p>
            )}
            {org && (
              <Link
                to={`/Dashboard/organizations/${org.id}?tab=analytics`}
                className={`block text-sm font-medium text-emerald-700 underline ${focusRing}`}
              >
                See the conversation in Analytics
              </Link>
            )}
          </div>
          {org && validFrom ? (
            <Phone key={`${org.id}:${from}`} org={org} from={from} />
          ) : (
            <EmptyState title="Pick an organization and a valid customer number" />
          )}
        </div>
      )}
    </div>
  )
}
