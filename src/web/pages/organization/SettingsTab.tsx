import { atLeast, type Organization } from '../../api/types'
import { ReadOnlyNote } from '../../components/Feedback'
import { NotificationPreferencesSection } from './inbox/NotificationPreferencesSection'
import { AiSection } from './settings/AiSection'
import { BusinessHoursSection } from './settings/BusinessHoursSection'
import { DangerZone } from './settings/DangerZone'
import { GeneralSection } from './settings/GeneralSection'
import { MembersSection } from './settings/MembersSection'
import { PlanSection } from './settings/PlanSection'
import { WelcomeSection } from './settings/WelcomeSection'

/** The organization's settings, one form per section (each saves on its own). */
export function SettingsTab({ org }: { org: Organization }) {
  const canEdit = atLeast(org.role, 'admin')
  return (
    <div className="space-y-4">
      {!canEdit && (
        <ReadOnlyNote>
          You are {org.role === 'agent' ? 'an agent' : 'a viewer'} here: settings are read-only. Ask an owner
          or admin to change them.
        </ReadOnlyNote>
      )}
      <GeneralSection org={org} canEdit={canEdit} />
      <PlanSection org={org} />
      <WelcomeSection org={org} canEdit={canEdit} />
      <BusinessHoursSection org={org} canEdit={canEdit} />
      <AiSection org={org} canEdit={canEdit} />
      <MembersSection org={org} />
      {/* Viewers only read: they are never told that a conversation needs a person. */}
      {atLeast(org.role, 'agent') && <NotificationPreferencesSection orgId={org.id} />}
      {org.role === 'owner' && <DangerZone org={org} />}
    </div>
  )
}
