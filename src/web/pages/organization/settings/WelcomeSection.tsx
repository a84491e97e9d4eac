import type { Organization } from '../../../api/types'
import { TextAreaField } from '../../../components/Field'
import { useServerForm } from '../../../components/forms/useServerForm'
import { SettingsSection, useSaveSection } from './SettingsSection'

export function WelcomeSection({ org, canEdit }: { org: Organization; canEdit: boolean }) {
  const { update, save } = useSaveSection(org.id, 'Welcome message saved.')
  const form = useServerForm({ welcomeMessage: org.welcomeMessage }, update)
  const welcome = form.values.welcomeMessage
  return (
    <SettingsSection
      title="Welcome message"
      description={
        <p data-testid="welcome-rule">
          A new contact's first message gets this welcome, then the assistant's answer. The welcome is never
          counted against the monthly message limit; the answer is. Once the month's limit is reached, a new
          contact gets the limit notice instead of both.
        </p>
      }
      saveLabel="Save welcome message"
      testId="settings-welcome"
      canEdit={canEdit}
      busy={update.isPending}
      error={update.error}
      dirty={form.dirty}
      onSubmit={form.submit((v) => save(v, () => form.markSaved(v)))}
    >
      <div className="grid gap-4 md:grid-cols-2">
        <TextAreaField
          id="settings-welcome"
          label="Welcome message"
          rows={4}
          maxLength={1024}
          hint={`${welcome.length.toLocaleString('en-US')} / 1,024 characters`}
          {...form.bind('welcomeMessage')}
        />
        <figure className="rounded-lg bg-[#e5ddd5] p-4" data-testid="welcome-preview">
          <figcaption className="mb-2 text-xs font-medium text-slate-700">Preview</figcaption>
          {welcome.trim() ? (
            <div className="max-w-[85%] whitespace-pre-wrap rounded-lg rounded-tl-none bg-white px-3 py-2 text-sm shadow">
              {welcome}
            </div>
          ) : (
            <p className="text-sm text-slate-700">No welcome message: the assistant answers directly.</p>
          )}
        </figure>
      </div>
    </SettingsSection>
  )
}
