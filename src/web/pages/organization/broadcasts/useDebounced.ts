import { useEffect, useState } from 'react'

/** `value` once it has stopped changing for `ms` (compared by its JSON, so a rebuilt object does not count as a change). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value)
  const key = JSON.stringify(value)
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `value`'s content
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms)
    return () => clearTimeout(timer)
  }, [key, ms])
  return settled
}
