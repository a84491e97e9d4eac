import { useRef, useState } from 'react'
import { Button } from '../../../components/Button'
import { inputClass } from '../../../components/Field'

/**
 * A secret in a read-only box with a copy button. The clipboard needs a secure page (https or
 * localhost); elsewhere the text is selected so Ctrl+C copies it.
 */
export function SecretBox({ id, label, secret }: { id: string; label: string; secret: string }) {
  const input = useRef<HTMLInputElement>(null)
  const [copied, setCopied] = useState<'yes' | 'select' | null>(null)

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret)
      setCopied('yes')
    } catch {
      input.current?.select()
      setCopied('select')
    }
  }

  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          ref={input}
          id={id}
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          className={`${inputClass} font-mono`}
          onFocus={(e) => e.target.select()}
          data-testid="secret-value"
        />
        <Button variant="secondary" onClick={copy}>
          Copy<span className="sr-only"> {label.toLowerCase()}</span>
        </Button>
      </div>
      <p role="status" aria-live="polite" className="text-xs text-slate-600">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'select'
            ? 'Selected: press Ctrl+C (⌘C) to copy.'
            : ''}
      </p>
    </div>
  )
}
