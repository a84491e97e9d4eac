import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react'

/** How long a toast stays: long enough to read a sentence, short enough not to outlive what it says. */
const TOAST_MS = 6000

interface Toast {
  id: number
  message: ReactNode
}

const ToastContext = createContext<((message: ReactNode) => void) | null>(null)

/**
 * Confirmations of something just done ("Business hours saved."): shown for a few seconds in one
 * polite live region, then gone, so no page keeps saying "Saved." after the user has moved on.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([])
  const nextId = useRef(0)
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>())

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), [])
  const show = useCallback(
    (message: ReactNode) => {
      nextId.current += 1
      const id = nextId.current
      setToasts((all) => [...all.slice(-2), { id, message }])
      const timer = setTimeout(() => {
        timers.current.delete(timer)
        dismiss(id)
      }, TOAST_MS)
      timers.current.add(timer)
    },
    [dismiss],
  )
  useEffect(() => {
    const pending = timers.current
    return () => {
      for (const timer of pending) clearTimeout(timer)
    }
  }, [])

  return (
    <ToastContext.Provider value={show}>
      {children}
      <div
        role="status"
        aria-live="polite"
        data-testid="toasts"
        className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex flex-col items-center gap-2 px-4"
      >
        {toasts.map((t) => (
          <div
            key={t.id}
            className="pointer-events-auto flex max-w-md items-center gap-3 rounded-md bg-slate-900 px-4 py-2 text-sm text-white shadow-lg"
          >
            <span>{t.message}</span>
            <button
              type="button"
              className="rounded px-1 text-slate-300 hover:text-white focus-visible:outline-2 focus-visible:outline-white"
              aria-label="Dismiss"
              onClick={() => dismiss(t.id)}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  )
}

/** Shows a transient confirmation; needs ToastProvider above (main.tsx puts it around the app). */
export function useToast() {
  const show = useContext(ToastContext)
  if (!show) throw new Error('useToast needs a <ToastProvider> above it')
  return show
}
