import type { UseMutationResult } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { ErrorNotice } from './Feedback'
import { ConfirmDialog } from './Modal'
import { useToast } from './Toast'

/**
 * Asks before deleting one thing (a tag, a segment, a template) through its delete mutation: open
 * while there is a target, says why a deletion failed, and forgets the failure when closed.
 */
export function ConfirmDeletion<T extends { id: string }, Data, Err>({
  target,
  title,
  confirmLabel,
  deletion,
  deleted,
  failedTitle = 'Not deleted',
  onClose,
  onDeleted,
  children,
}: {
  target: T | null
  title: string
  confirmLabel: string
  deletion: UseMutationResult<Data, Err, string>
  /** A confirmation shown once deleted ("Tag “vip” deleted."). */
  deleted?: string
  failedTitle?: string
  onClose: () => void
  onDeleted?: (target: T) => void
  /** What deleting it does. */
  children: ReactNode
}) {
  const toast = useToast()
  return (
    <ConfirmDialog
      open={target !== null}
      title={title}
      confirmLabel={confirmLabel}
      busy={deletion.isPending}
      onClose={() => {
        deletion.reset()
        onClose()
      }}
      onConfirm={() =>
        target &&
        deletion.mutate(target.id, {
          onSuccess: () => {
            if (deleted) toast(deleted)
            onDeleted?.(target)
            onClose()
          },
        })
      }
    >
      {children}
      {deletion.isError && <ErrorNotice error={deletion.error} title={failedTitle} />}
    </ConfirmDialog>
  )
}
