import { useEffect, useState } from 'react'
import { Link } from 'react-router-dom'
import {
  isPhoneNotVerified,
  type NotificationPreferences,
  useNotificationPreferences,
  useSaveNotificationPreferences,
} from '../../../api/notifications'
import { Button, focusRing } from '../../../components/Button'
import { ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { CheckboxField } from '../../../components/Field'
import { formatPhone } from '../../../components/format'
import { useToast } from '../../../components/Toast'

/**
 * How I am told that a conversation here needs a person: in the dashboard, by email, by WhatsApp
 * to the number linked to my account. Every member chooses for themselves.
 */
export function NotificationPreferencesForm({ orgId }: { orgId: string }) {
  const prefs = useNotificationPreferences(orgId)
  const save = useSaveNotificationPreferences(orgId)
  const toast = useToast()
  const [values, setValues] = useState<NotificationPreferences | null>(null)
  useEffect(() => {
    if (prefs.data && values === null) setValues(prefs.data.preferences)
  }, [prefs.data, values])
  const phone = prefs.data?.whatsappPhone ?? null
  const whatsappAvailable = prefs.data?.whatsappAvailable ?? false
  const set = (key: keyof NotificationPreferences) => (checked: boolean) =>
    setValues((v) => (v ? { ...v, [key]: checked } : v))
  return (
    <>
      {prefs.isPending && <LoadingBlock label="Loading your notification settings…" lines={2} />}
      {prefs.isError && <ErrorNotice error={prefs.error} title="Could not load your notification settings" />}
      {values && (
        <form
          noValidate
          className="space-y-3"
          data-testid="notification-preferences"
          onSubmit={(e) => {
            e.preventDefault()
            save.mutate(values, { onSuccess: () => toast('Notification settings saved.') })
          }}
        >
          <p className="text-sm text-slate-600">
            When a conversation needs a person (the customer asks for one, the assistant cannot help, a
            message fails), tell me — once per conversation until someone handles it:
          </p>
          <CheckboxField
            id="notify-dashboard"
            label="In the dashboard"
            description="the bell at the top of this organization"
            checked={values.dashboard}
            onChange={set('dashboard')}
          />
          <CheckboxField
            id="notify-email"
            label="By email"
            description="to my account's email address"
            checked={values.email}
            onChange={set('email')}
          />
          <CheckboxField
            id="notify-whatsapp"
            label="By WhatsApp"
            description={
              !whatsappAvailable ? (
                'not available on this platform (it has no WhatsApp number to send from)'
              ) : phone ? (
                `to ${formatPhone(phone, 'international')}, the number linked to my account`
              ) : (
                <>
                  to the number linked to my account (none yet:{' '}
                  <Link
                    to="/Dashboard/account"
                    className={`font-medium text-emerald-800 underline ${focusRing}`}
                  >
                    link one
                  </Link>
                  )
                </>
              )
            }
            checked={values.whatsapp}
            disabled={!whatsappAvailable && !values.whatsapp}
            onChange={set('whatsapp')}
          />
          {save.isError && isPhoneNotVerified(save.error) ? (
            <div
              role="alert"
              className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
              data-testid="phone-not-verified"
            >
              WhatsApp notifications need a verified phone number on your account.{' '}
              <Link to="/Dashboard/account" className={`font-medium underline ${focusRing}`}>
                Link your WhatsApp number
              </Link>{' '}
              on your account page, then save again.
            </div>
          ) : (
            save.isError && <ErrorNotice error={save.error} title="Not saved" />
          )}
          <Button type="submit" busy={save.isPending}>
            Save notification settings
          </Button>
        </form>
      )}
    </>
  )
}
