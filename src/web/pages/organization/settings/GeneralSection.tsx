import type { Organization } from '../../../api/types'
import { TextAreaField, TextField } from '../../../components/Field'
import { useServerForm } from '../../../components/forms/useServerForm'
import { SettingsSection, useSaveSection } from './SettingsSection'

/** Name, description and industry: the one place they are asked (the AI Training profile shows them from here). */
export function GeneralSection({ org, canEdit }: { org: Organization; canEdit: boolean }) {
  const { update, save } = useSaveSection(org.id, 'General settings saved.')
  const form = useServerForm(
    {
      name: org.name,
      description: org.description,
      industry: org.industry,
      whatsappDisplayName: org.whatsappDisplayName ?? '',
    },
    update,
  )
  return (
    <SettingsSection
      title="General"
      description="Your assistant introduces the business with its name and description."
      saveLabel="Save general settings"
      testId="settings-general"
      canEdit={canEdit}
      busy={update.isPending}
      error={update.error}
      dirty={form.dirty}
      onSubmit={form.submit((v) =>
        save(
          {
            name: v.name,
            description: v.description,
            industry: v.industry,
            whatsappDisplayName: v.whatsappDisplayName.trim() ? v.whatsappDisplayName : null,
          },
          () => form.markSaved(v),
        ),
      )}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField id="settings-name" label="Name" {...form.bind('name')} />
        <TextField id="settings-industry" label="Industry" {...form.bind('industry')} />
      </div>
      <TextAreaField id="settings-description" label="Description" {...form.bind('description')} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id="settings-display-name"
          label="WhatsApp display name"
          {...form.bind('whatsappDisplayName')}
        />
      </div>
    </SettingsSection>
  )
}
