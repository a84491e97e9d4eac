import { Card } from '../../../components/Feedback'
import { NotificationPreferencesForm } from './NotificationPreferencesForm'

/** The Settings tab's section for the member's own notification choices (the Inbox opens the same form). */
export function NotificationPreferencesSection({ orgId }: { orgId: string }) {
  return (
    <Card title="Your notifications">
      <NotificationPreferencesForm orgId={orgId} />
    </Card>
  )
}
