import { focusRing } from './Button'

export type HelpPage =
  | 'overview'
  | 'inbox'
  | 'contacts'
  | 'templates'
  | 'broadcasts'
  | 'settings'
  | 'training'
  | 'analytics'
  | 'simulator'
  | 'organizations'
  | 'data'
  | 'developers'
  | 'billing'

/** Pages whose guide (docs/guide/<name>.md) is named otherwise than the page. */
const GUIDE_OF: Partial<Record<HelpPage, string>> = { data: 'data-and-privacy' }

/**
 * The owner's guide for the page in view (served by the server at /help/<page>, not by this app),
 * in a new tab so the work on this page is not lost.
 */
export function HelpLink({ page }: { page: HelpPage }) {
  return (
    <a
      href={`/help/${GUIDE_OF[page] ?? page}`}
      target="_blank"
      rel="noreferrer"
      className={`text-sm font-medium text-emerald-700 underline ${focusRing}`}
      data-testid="help-link"
    >
      Help<span className="sr-only"> (opens in a new tab)</span>
    </a>
  )
}
