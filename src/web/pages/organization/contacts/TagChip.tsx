import type { ReactNode } from 'react'
import { focusRing } from '../../../components/Button'

/** The colour new tags start with (the server's default for tags it makes itself may differ). */
export const DEFAULT_TAG_COLOR = '#10b981'

const channel = (hex: string, at: number) => Number.parseInt(hex.slice(at, at + 2), 16) / 255
const linear = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)

/**
 * Black or white text, whichever reads better on `color` (WCAG relative luminance): one of the
 * two always reaches 4.5:1, so any colour a user picks stays readable.
 */
export function textOn(color: string): string {
  if (!/^#[0-9a-f]{6}$/i.test(color)) return '#0f172a'
  const l =
    0.2126 * linear(channel(color, 1)) +
    0.7152 * linear(channel(color, 3)) +
    0.0722 * linear(channel(color, 5))
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff'
}

/** A tag in its colour; with `onRemove`, a small button takes it off. */
export function TagChip({
  name,
  color,
  onRemove,
  children,
}: {
  name: string
  color?: string
  onRemove?: () => void
  children?: ReactNode
}) {
  const bg = color ?? '#e2e8f0'
  const fg = textOn(bg)
  return (
    <span
      className="inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium"
      style={{ backgroundColor: bg, color: fg }}
      data-testid="tag-chip"
      data-tag={name}
    >
      {name}
      {children}
      {onRemove && (
        <button
          type="button"
          onClick={onRemove}
          className={`-mr-1 rounded-full px-1 leading-none hover:opacity-70 ${focusRing}`}
          style={{ color: fg }}
          aria-label={`Remove the tag ${name}`}
        >
          ×
        </button>
      )}
    </span>
  )
}

/** The colour of each tag by name, from the organization's tag list. */
export const colorsOf = (tags: { name: string; color: string }[] | undefined) =>
  new Map((tags ?? []).map((t) => [t.name, t.color]))
