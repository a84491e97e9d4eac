import { useState } from 'react'
import { Button } from '../../../components/Button'
import { Modal } from '../../../components/Modal'
import { NotificationPreferencesForm } from './NotificationPreferencesForm'

/** The inbox's way to the member's notification choices (also in the Settings tab). */
export function NotificationSettingsDialog({ orgId }: { orgId: string }) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Notification settings
      </Button>
      <Modal open={open} title="Your notifications" onClose={() => setOpen(false)}>
        <NotificationPreferencesForm orgId={orgId} />
      </Modal>
    </>
  )
}
