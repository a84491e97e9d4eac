import { useAiProviders } from '../../../api/knowledge'
import {
  type AiModel,
  type Organization,
  PROVIDERS,
  type ProviderId,
  TONES,
  type Tone,
} from '../../../api/types'
import { SelectField, TextAreaField } from '../../../components/Field'
import { useServerForm } from '../../../components/forms/useServerForm'
import { languageName, languageOptions } from '../../../components/language'
import { SettingsSection, useSaveSection } from './SettingsSection'

const PROVIDER_LABEL: Record<ProviderId, string> = {
  builtin: 'Built-in responder',
  deepseek: 'DeepSeek',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  compatible: 'OpenAI-compatible',
}

const TONE_LABEL: Record<Tone, string> = {
  friendly: 'Friendly',
  professional: 'Professional',
  formal: 'Formal',
  casual: 'Casual',
  playful: 'Playful',
}

const modelLabel = (m: AiModel['effective']) =>
  m.provider === 'builtin' ? PROVIDER_LABEL.builtin : `${PROVIDER_LABEL[m.provider]} · ${m.model}`

/** A provider id from a select's value; '' (the platform default) and anything unknown give undefined. */
const providerOf = (value: string | undefined) => PROVIDERS.find((p) => p === value)
const toneOf = (value: string) => TONES.find((t) => t === value)

/** The languages the assistant recognizes in a customer's message without a model. */
const FOLLOWED_LANGUAGES = ['en', 'fr', 'es', 'pt', 'de', 'it', 'sw', 'rw']

/**
 * Which languages customers are answered in: any (the customer's), or only the chosen ones (the
 * default language always among them; anyone else gets the default).
 */
function LanguagesField({
  language,
  languages,
  onChange,
  error,
}: {
  language: string
  languages: string[] | null
  onChange: (languages: string[] | null) => void
  error?: string
}) {
  const base = language.split('-')[0] ?? language
  const offered = [...new Set([...FOLLOWED_LANGUAGES, ...(languages ?? [])])]
  return (
    <fieldset className="space-y-2" data-testid="ai-languages">
      <legend className="text-sm font-medium text-slate-700">Customers' languages</legend>
      <label className="flex items-center gap-2 text-sm" htmlFor="ai-languages-restrict">
        <input
          id="ai-languages-restrict"
          type="checkbox"
          className="h-4 w-4"
          checked={languages !== null}
          onChange={(e) => onChange(e.target.checked ? [base] : null)}
        />
        Only answer in the languages chosen below (anyone else is answered in the default language)
      </label>
      {languages !== null && (
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {offered.map((code) => (
            <label key={code} className="flex items-center gap-2 text-sm" htmlFor={`ai-language-${code}`}>
              <input
                id={`ai-language-${code}`}
                type="checkbox"
                className="h-4 w-4"
                disabled={code === base}
                checked={code === base || languages.includes(code)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...languages, code] : languages.filter((l) => l !== code))
                }
              />
              {languageName(code)}
            </label>
          ))}
        </div>
      )}
      {error && <p className="text-sm text-red-700">{error}</p>}
    </fieldset>
  )
}

/** What answers now: the organization's choice when the platform has it, else the platform default. */
function EffectiveModel({ org, chosen }: { org: Organization; chosen: ProviderId | undefined }) {
  const { effective } = org.aiModel
  const fellBack = chosen !== undefined && chosen !== effective.provider
  return (
    <div className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="ai-effective">
      <p>
        Answering your customers now: <strong>{modelLabel(effective)}</strong>
      </p>
      {fellBack && (
        <p className="mt-1 text-amber-900">
          {PROVIDER_LABEL[chosen]} is not configured on this platform, so the platform default answers
          instead.
        </p>
      )}
    </div>
  )
}

export function AiSection({ org, canEdit }: { org: Organization; canEdit: boolean }) {
  const { update, save } = useSaveSection(org.id, 'AI settings saved.')
  const providers = useAiProviders()
  const form = useServerForm(
    {
      tone: toneOf(org.ai.tone) ?? 'friendly',
      language: org.ai.language,
      languages: org.ai.languages ?? null,
      provider: providerOf(org.ai.provider) ?? '',
      model: org.ai.model ?? '',
      escalationRules: org.ai.escalationRules ?? '',
      instructions: org.ai.instructions ?? '',
    },
    update,
    { pathPrefix: 'ai' },
  )
  const v = form.values
  const available = providers.data ?? []
  const chosen = providerOf(v.provider)
  const models = available.find((p) => p.id === chosen)?.models ?? []
  const saved = providerOf(org.ai.provider)

  return (
    <SettingsSection
      title="AI settings"
      saveLabel="Save AI settings"
      testId="settings-ai"
      canEdit={canEdit}
      busy={update.isPending}
      error={update.error}
      dirty={form.dirty}
      onSubmit={form.submit((values) => {
        const provider = providerOf(values.provider)
        save(
          {
            ai: {
              tone: values.tone,
              language: values.language,
              ...(values.languages ? { languages: values.languages } : {}),
              ...(provider ? { provider } : {}),
              ...(provider && values.model ? { model: values.model } : {}),
              ...(values.escalationRules.trim() ? { escalationRules: values.escalationRules } : {}),
              ...(values.instructions.trim() ? { instructions: values.instructions } : {}),
            },
          },
          () => form.markSaved(values),
        )
      })}
    >
      <EffectiveModel org={org} chosen={saved} />
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          id="ai-tone"
          label="Tone"
          value={v.tone}
          onChange={(e) => {
            const tone = toneOf(e.target.value)
            if (tone) form.set('tone', tone)
          }}
          error={form.error('ai.tone')}
        >
          {TONES.map((t) => (
            <option key={t} value={t}>
              {TONE_LABEL[t]}
            </option>
          ))}
        </SelectField>
        <SelectField
          id="ai-language"
          label="Language"
          hint="The default: customers are answered in their own language when it can tell, else in this one."
          {...form.bind('language')}
        >
          {languageOptions(v.language).map((l) => (
            <option key={l.code} value={l.code}>
              {l.name}
            </option>
          ))}
        </SelectField>
        <SelectField
          id="ai-provider"
          label="Provider"
          value={v.provider}
          onChange={(e) => {
            form.set('provider', providerOf(e.target.value) ?? '')
            form.set('model', '')
          }}
          error={form.error('ai.provider')}
          hint={providers.isError ? 'Could not load the providers this platform has.' : undefined}
        >
          <option value="">Platform default ({modelLabel(org.aiModel.default)})</option>
          {available.map((p) => (
            <option key={p.id} value={p.id}>
              {PROVIDER_LABEL[p.id]}
            </option>
          ))}
          {chosen && !available.some((p) => p.id === chosen) && (
            <option value={chosen}>{PROVIDER_LABEL[chosen]} (not configured)</option>
          )}
        </SelectField>
        <SelectField
          id="ai-model"
          label="Model"
          disabled={!chosen || chosen === 'builtin'}
          {...form.bind('model')}
        >
          <option value="">Provider's default</option>
          {models.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
          {v.model && !models.includes(v.model) && <option value={v.model}>{v.model}</option>}
        </SelectField>
      </div>
      <LanguagesField
        language={v.language}
        languages={v.languages}
        onChange={(languages) => form.set('languages', languages)}
        error={form.error('ai.languages')}
      />
      <TextAreaField
        id="ai-escalation"
        label="When to hand over to a person"
        placeholder="e.g. complaints, refunds, anything about an existing order"
        {...form.bind('escalationRules')}
      />
      <TextAreaField
        id="ai-instructions"
        label="Extra instructions for the assistant"
        placeholder="e.g. always mention free delivery over $50; never promise same-day appointments"
        {...form.bind('instructions')}
      />
    </SettingsSection>
  )
}
