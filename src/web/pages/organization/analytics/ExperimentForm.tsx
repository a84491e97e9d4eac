import { type FormEvent, useState } from 'react'
import { type NewExperiment, useCreateExperiment } from '../../../api/experiments'
import { TONES } from '../../../api/types'
import { Button } from '../../../components/Button'
import { ErrorNotice } from '../../../components/Feedback'
import { TextField } from '../../../components/Field'
import { fieldErrorOf } from '../../../components/forms/useServerForm'
import { useToast } from '../../../components/Toast'
import { emptyVariant, type VariantDraft, VariantFields } from './VariantFields'

const MIN_VARIANTS = 2
const MAX_VARIANTS = 4

/** A variant's settings with the blank fields left out: blank means "as the organization has it". */
function settingsOf(v: VariantDraft): NewExperiment['variants'][number]['settings'] {
  const s: NewExperiment['variants'][number]['settings'] = {}
  const tone = TONES.find((t) => t === v.tone)
  if (tone) s.tone = tone
  if (v.instructions.trim()) s.instructions = v.instructions.trim()
  if (v.model.trim()) s.model = v.model.trim()
  if (v.welcomeMessage.trim()) s.welcomeMessage = v.welcomeMessage.trim()
  return s
}

/** Starts an A/B test: a name and two to four variants of the assistant, each with its weight. */
export function ExperimentForm({ orgId, onDone }: { orgId: string; onDone: () => void }) {
  const create = useCreateExperiment(orgId)
  const toast = useToast()
  const [name, setName] = useState('')
  const [variants, setVariants] = useState<VariantDraft[]>([emptyVariant('A'), emptyVariant('B')])
  const setVariant = (i: number, next: VariantDraft) =>
    setVariants((all) => all.map((v, j) => (j === i ? next : v)))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const input: NewExperiment = {
      name: name.trim(),
      variants: variants.map((v) => ({
        name: v.name.trim(),
        weight: Number(v.weight),
        settings: settingsOf(v),
      })),
    }
    create.mutate(input, {
      onSuccess: () => {
        toast(`Experiment “${input.name}” started.`)
        onDone()
      },
    })
  }
  return (
    <form noValidate onSubmit={submit} className="space-y-4" data-testid="experiment-form">
      <TextField
        id="experiment-name"
        label="Experiment name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={fieldErrorOf(create.error, 'name')}
      />
      {variants.map((v, i) => (
        <VariantFields
          // biome-ignore lint/suspicious/noArrayIndexKey: variants have no id until the server makes them
          key={i}
          index={i}
          value={v}
          onChange={(next) => setVariant(i, next)}
          onRemove={
            variants.length > MIN_VARIANTS
              ? () => setVariants((all) => all.filter((_, j) => j !== i))
              : undefined
          }
          error={(field) => fieldErrorOf(create.error, `variants.${i}.${field}`)}
        />
      ))}
      {variants.length < MAX_VARIANTS && (
        <Button
          variant="secondary"
          onClick={() => setVariants((all) => [...all, emptyVariant(String.fromCharCode(65 + all.length))])}
        >
          Add a variant
        </Button>
      )}
      <ErrorNotice error={create.error} title="The experiment was not started" />
      <div className="flex gap-2">
        <Button type="submit" busy={create.isPending}>
          Start experiment
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  )
}
