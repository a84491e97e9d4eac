import { useState } from 'react'
import { useNavigate } from 'react-router-dom'
import { useDeleteOrganization } from '../../../api/organizations'
import type { Organization } from '../../../api/types'
import { Button } from '../../../components/Button'
import { ErrorNotice } from '../../../components/Feedback'
import { TextField } from '../../../components/Field'
import { ConfirmDialog } from '../../../components/Modal'

/** Deleting the organization, behind typing its name. Owners only. */
export function DangerZone({ org }: { org: Organization }) {
  const del = useDeleteOrganization(org.id)
  const navigate = useNavigate()
  const [open, setOpen] = useState(false)
  const [typed, setTyped] = useState('')
  return (
    <section className="rounded-lg border border-red-300 bg-white p-4 sm:p-5">
      <h2 className="text-base font-semibold text-red-800">Danger zone</h2>
      <p className="mt-1 text-sm text-slate-600">
        Deleting the organization releases its number and removes its knowledge and conversations. This cannot
        be undone.
      </p>
      <Button variant="danger" className="mt-3" onClick={() => setOpen(true)}>
        Delete organization
      </Button>
      <ConfirmDialog
        open={open}
        title={`Delete ${org.name}?`}
        confirmLabel="Delete forever"
        busy={del.isPending}
        confirmDisabled={typed !== org.name}
        onClose={() => {
          setOpen(false)
          setTyped('')
        }}
        onConfirm={() => del.mutate(undefined, { onSuccess: () => navigate('/Dashboard/organizations') })}
      >
        <TextField
          id="delete-confirm"
          label={
            <>
              Type <strong>{org.name}</strong> to confirm
            </>
          }
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
        />
        {del.isError && <ErrorNotice error={del.error} title="Not deleted" />}
      </ConfirmDialog>
    </section>
  )
}
