import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react'
import { focusRing } from './Button'

const base = `rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm disabled:bg-slate-100 disabled:text-slate-500 aria-[invalid=true]:border-red-500 ${focusRing}`
const control = `block w-full ${base}`

interface FieldShell {
  id: string
  label: ReactNode
  error?: string
  hint?: ReactNode
}

function Shell({ id, label, error, hint, children }: FieldShell & { children: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-600" data-field-error={id}>
          {error}
        </p>
      )}
    </div>
  )
}

const describedBy = (id: string, error?: string, hint?: ReactNode) =>
  error ? `${id}-error` : hint ? `${id}-hint` : undefined

export function TextField({
  id,
  label,
  error,
  hint,
  ...rest
}: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Shell id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        className={control}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...rest}
      />
    </Shell>
  )
}

export function TextAreaField({
  id,
  label,
  error,
  hint,
  ...rest
}: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Shell id={id} label={label} error={error} hint={hint}>
      <textarea
        id={id}
        rows={3}
        className={control}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...rest}
      />
    </Shell>
  )
}

export function SelectField({
  id,
  label,
  error,
  hint,
  children,
  ...rest
}: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Shell id={id} label={label} error={error} hint={hint}>
      <select
        id={id}
        className={control}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...rest}
      >
        {children}
      </select>
    </Shell>
  )
}

/** A checkbox with its name in bold and, after a dash, what ticking it means. */
export function CheckboxField({
  id,
  label,
  description,
  checked,
  onChange,
  disabled,
}: {
  id: string
  label: ReactNode
  description?: ReactNode
  checked: boolean
  onChange: (checked: boolean) => void
  disabled?: boolean
}) {
  return (
    <label htmlFor={id} className="flex items-start gap-2 text-sm">
      <input
        type="checkbox"
        id={id}
        className={`mt-0.5 ${focusRing}`}
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span>
        <span className="font-medium">{label}</span>
        {description ? <> — {description}</> : null}
      </span>
    </label>
  )
}

/** One choice among a few, side by side: a radio button for each. */
export function RadioGroup<T extends string>({
  name,
  legend,
  legendHidden = false,
  options,
  value,
  onChange,
}: {
  name: string
  legend: string
  /** For screen readers only, when a heading nearby already says what is chosen. */
  legendHidden?: boolean
  options: { id: T; label: ReactNode }[]
  value: T
  onChange: (next: T) => void
}) {
  return (
    <fieldset className="flex flex-wrap gap-4 text-sm">
      <legend className={legendHidden ? 'sr-only' : 'mb-1 text-sm font-medium text-slate-700'}>
        {legend}
      </legend>
      {options.map((o) => (
        <label key={o.id} className="flex items-center gap-2">
          <input
            type="radio"
            name={name}
            className={choiceClass}
            checked={value === o.id}
            onChange={() => onChange(o.id)}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  )
}

/** A radio button or a checkbox in the brand colour. */
export const choiceClass = `h-4 w-4 accent-emerald-700 ${focusRing}`

export const inputClass = control
/** For inputs that sit side by side (time pickers, a role select in a row). */
export const inlineInputClass = base
