import { type ChangeEvent, type FormEvent, useState } from 'react'
import { ApiError } from '../../api/client'

/** Keys whose values are free text (plain `string`, not a union of literals a select must parse). */
type TextKeys<T> = {
  [K in keyof T]-?: string extends T[K] ? (T[K] extends string | undefined ? K : never) : never
}[keyof T] &
  string

/** The message the API gave for one field (`details[].path`), if the error is the API's. */
export const fieldErrorOf = (error: unknown, path: string) =>
  error instanceof ApiError ? error.fieldError(path) : undefined

/**
 * One way for every dashboard form to hold its values and show what the server said about them:
 * the values live in one object; `bind(key)` wires a text field (value, onChange, and the server's
 * message for that field as `error`); `error(path)` reads any other path (`businessHours.schedule.monday.0`);
 * `submit` prevents the browser's own submit. The mutation that saves the form supplies the errors,
 * so a field shows its message next to itself and the form's notice only what no field shows.
 */
export function useServerForm<T extends object>(
  initial: T | (() => T),
  mutation: { error: unknown },
  options: { pathPrefix?: string } = {},
) {
  const [values, setValues] = useState<T>(initial)
  const [saved, setSaved] = useState<T>(values)
  const prefix = options.pathPrefix ? `${options.pathPrefix}.` : ''

  const error = (path: string) => fieldErrorOf(mutation.error, path)
  const set = <K extends keyof T>(key: K, value: T[K]) => setValues((v) => ({ ...v, [key]: value }))
  const bind = <K extends TextKeys<T>>(key: K) => ({
    value: (values[key] as string | undefined) ?? '',
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) =>
      set(key, e.target.value as T[K]),
    error: error(`${prefix}${key}`),
  })
  const fieldErrors = mutation.error instanceof ApiError ? mutation.error.fieldErrors : []

  return {
    values,
    set,
    setValues,
    bind,
    error,
    /** True when the server named at least one field: the fields show the messages themselves. */
    hasFieldErrors: fieldErrors.length > 0,
    /** Whether the values differ from the last ones saved (or the initial ones). */
    dirty: JSON.stringify(values) !== JSON.stringify(saved),
    /** Call once the server has accepted `values`: they become the form's clean state. */
    markSaved: (next: T = values) => setSaved(next),
    submit: (save: (values: T) => void) => (e: FormEvent) => {
      e.preventDefault()
      save(values)
    },
  }
}

export type ServerForm<T extends object> = ReturnType<typeof useServerForm<T>>
