import { inlineInputClass } from '../Field'

/** A 24-hour time (HH:MM) in a row of controls: its label is for screen readers, the row shows the meaning. */
export function TimeInput({
  id,
  label,
  value,
  invalid,
  onChange,
}: {
  id: string
  label: string
  value: string
  invalid?: boolean
  onChange: (value: string) => void
}) {
  return (
    <>
      <label className="sr-only" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        type="time"
        className={`${inlineInputClass} w-32`}
        value={value}
        aria-invalid={invalid || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </>
  )
}
