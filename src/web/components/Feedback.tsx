import type { ReactNode } from 'react'
import { ApiError, errorMessage } from '../api/client'

/** An API error shown where it happened. Field errors are listed when no field shows them. */
export function ErrorNotice({
  error,
  title,
  showFields,
}: {
  error: unknown
  title?: string
  showFields?: boolean
}) {
  if (!error) return null
  const fields = showFields && error instanceof ApiError ? error.fieldErrors : []
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {title && <p className="font-medium">{title}</p>}
      <p>{errorMessage(error)}</p>
      {fields.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {fields.map((f) => (
            <li key={`${f.path}:${f.message}`}>
              {f.path ? <code>{f.path}</code> : null} {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

export function SuccessNotice({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="text-sm text-emerald-700">
      {children}
    </p>
  )
}

export function Skeleton({ className = 'h-4 w-full' }: { className?: string }) {
  return <div className={`animate-pulse rounded bg-slate-200 ${className}`} aria-hidden />
}

export function LoadingBlock({ label = 'Loading…', lines = 3 }: { label?: string; lines?: number }) {
  return (
    <div role="status" aria-live="polite" className="space-y-3">
      <span className="sr-only">{label}</span>
      {Array.from({ length: lines }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <Skeleton key={i} className={i === 0 ? 'h-6 w-1/3' : 'h-4 w-full'} />
      ))}
    </div>
  )
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center">
      <p className="font-medium text-slate-700">{title}</p>
      {children && <div className="mt-2 text-sm text-slate-500">{children}</div>}
    </div>
  )
}

export function ReadOnlyNote({ children }: { children?: ReactNode }) {
  return (
    <p
      className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800"
      data-testid="read-only-note"
    >
      {children ?? 'You have read-only access: ask an owner or admin to change these settings.'}
    </p>
  )
}

export function Card({
  title,
  children,
  actions,
}: {
  title?: ReactNode
  children: ReactNode
  actions?: ReactNode
}) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      {(title || actions) && (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {title && <h2 className="text-base font-semibold text-slate-900">{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  )
}
