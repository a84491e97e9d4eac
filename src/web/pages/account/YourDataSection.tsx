import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useNavigate } from 'react-router-dom'
import { sessionKey } from '../../api/auth'
import { lastOwnerOf, useDeleteAccount, useDownloadMyData } from '../../api/data'
import type { Account } from '../../api/types'
import { Button, focusRing } from '../../components/Button'
import { Card, ErrorNotice } from '../../components/Feedback'
import { TextField } from '../../components/Field'
import { ConfirmDialog } from '../../components/Modal'
import { useToast } from '../../components/Toast'

/** The organizations to hand over or delete before the account can go (the user is their last owner). */
function LastOwnerNotice({ organizations }: { organizations: { id: string; name: string }[] }) {
  return (
    <div
      role="alert"
      className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
      data-testid="last-owner"
    >
      <p className="font-medium">
        You are the last owner of {organizations.length === 1 ? 'an organization' : 'organizations'}.
      </p>
      <p>
        Make another member an owner (Settings → Team), or delete the organization (Settings → Danger zone),
        then delete your account:
      </p>
      <ul className="mt-1 list-disc pl-5">
        {organizations.map((o) => (
          <li key={o.id}>
            <Link
              to={`/Dashboard/organizations/${o.id}?tab=settings`}
              className={`font-medium text-emerald-800 underline ${focusRing}`}
            >
              {o.name}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  )
}

/** The user's own data: a copy of it (GDPR art. 15 and 20), and deleting the account (art. 17). */
export function YourDataSection({ account }: { account: Account }) {
  const download = useDownloadMyData()
  const del = useDeleteAccount()
  const qc = useQueryClient()
  const navigate = useNavigate()
  const toast = useToast()
  const [open, setOpen] = useState(false)
  const [typed, setTyped] = useState('')
  const lastOwner = lastOwnerOf(del.error)

  const close = () => {
    setOpen(false)
    setTyped('')
  }
  const onDeleted = () => {
    // The session went with the account: forget everything cached and go to the sign-in page.
    qc.clear()
    qc.setQueryData(sessionKey, null)
    navigate('/sign-in', { replace: true })
  }

  return (
    <Card title="Your data">
      <div className="space-y-4 text-sm" data-testid="your-data">
        <div className="space-y-2">
          <p className="text-slate-600">
            A copy of what the platform holds on you, as a JSON file: your profile, your teams and roles, the
            invitations you sent and received, your sessions (where and when you signed in) and the titles of
            your personal knowledge.
          </p>
          <Button
            variant="secondary"
            busy={download.isPending}
            onClick={() =>
              download.mutate(undefined, { onSuccess: () => toast('Your data is downloading.') })
            }
          >
            Download my data
          </Button>
          {download.isError && <ErrorNotice error={download.error} title="Not downloaded" />}
        </div>
        <div className="space-y-2 border-t border-slate-200 pt-4">
          <h3 className="font-semibold text-red-800">Delete my account</h3>
          <p className="text-slate-600">
            Your account, sessions and personal knowledge are deleted, and you leave every team. Organizations
            you are the last owner of must be handed over or deleted first.
          </p>
          <Button
            variant="danger"
            onClick={() => {
              del.reset()
              setOpen(true)
            }}
          >
            Delete my account
          </Button>
          {lastOwner && !open && <LastOwnerNotice organizations={lastOwner} />}
        </div>
      </div>
      <ConfirmDialog
        open={open}
        title="Delete your account?"
        confirmLabel="Delete my account"
        busy={del.isPending}
        confirmDisabled={typed.trim().toLowerCase() !== account.email.toLowerCase()}
        onClose={close}
        onConfirm={() =>
          del.mutate(typed.trim(), {
            onSuccess: onDeleted,
            onError: (error) => {
              if (lastOwnerOf(error)) close()
            },
          })
        }
      >
        <p className="text-sm text-slate-700">This cannot be undone.</p>
        <TextField
          id="delete-account-confirm"
          label={
            <>
              Type your email, <strong>{account.email}</strong>, to confirm
            </>
          }
          type="email"
          autoComplete="off"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
        {del.isError && !lastOwner && <ErrorNotice error={del.error} title="Not deleted" />}
      </ConfirmDialog>
    </Card>
  )
}
