import { TONES } from '../../../api/types'
import { Button } from '../../../components/Button'
import { SelectField, TextAreaField, TextField } from '../../../components/Field'

/** One variant as the form holds it: text as typed, empty meaning "as the organization has it". */
export interface VariantDraft {
  name: string
  weight: string
  tone: string
  instructions: string
  model: string
  welcomeMessage: string
}

export const emptyVariant = (name: string): VariantDraft => ({
  name,
  weight: '50',
  tone: '',
  instructions: '',
  model: '',
  welcomeMessage: '',
})

/** The fields of one variant; `error(field)` gives the server's message for it. */
export function VariantFields({
  index,
  value,
  onChange,
  onRemove,
  error,
}: {
  index: number
  value: VariantDraft
  onChange: (next: VariantDraft) => void
  onRemove?: () => void
  error: (field: string) => string | undefined
}) {
  const id = (field: string) => `variant-${index}-${field}`
  const set = (field: keyof VariantDraft) => (e: { target: { value: string } }) =>
    onChange({ ...value, [field]: e.target.value })
  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3" data-testid="variant-fields">
      <legend className="px-1 text-sm font-medium">Variant {index + 1}</legend>
      <div className="grid gap-3 sm:grid-cols-3">
        <TextField
          id={id('name')}
          label="Name"
          value={value.name}
          onChange={set('name')}
          error={error('name')}
        />
        <TextField
          id={id('weight')}
          label="Weight (share of contacts)"
          type="number"
          min={1}
          max={100}
          value={value.weight}
          onChange={set('weight')}
          error={error('weight')}
        />
        <SelectField
          id={id('tone')}
          label="Tone"
          value={value.tone}
          onChange={set('tone')}
          error={error('settings.tone')}
        >
          <option value="">As in Settings</option>
          {TONES.map((t) => (
            <option key={t} value={t}>
              {t[0]?.toUpperCase()}
              {t.slice(1)}
            </option>
          ))}
        </SelectField>
      </div>
      <TextAreaField
        id={id('instructions')}
        label="Extra instructions"
        rows={2}
        value={value.instructions}
        onChange={set('instructions')}
        error={error('settings.instructions')}
        hint="Added to the assistant's instructions for this variant's customers."
      />
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          id={id('model')}
          label="Model"
          value={value.model}
          onChange={set('model')}
          error={error('settings.model')}
          hint="Blank: the model chosen in Settings."
        />
        <TextAreaField
          id={id('welcome')}
          label="Welcome message"
          rows={2}
          value={value.welcomeMessage}
          onChange={set('welcomeMessage')}
          error={error('settings.welcomeMessage')}
          hint="Blank: the welcome message in Settings."
        />
      </div>
      {onRemove && (
        <Button variant="ghost" onClick={onRemove}>
          Remove variant {index + 1}
        </Button>
      )}
    </fieldset>
  )
}
