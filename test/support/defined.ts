/**
 * Narrowing for tests under `noUncheckedIndexedAccess`: the value, or a failure that names what was
 * missing (a `!` would pass `undefined` on and fail later with a vaguer message).
 */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}, got ${String(value)}`)
  return value
}

/** The first element of a list (a query's row, a recorded request), or a failure naming it. */
export function first<T>(items: readonly T[], what = 'a first item'): T {
  return defined(items[0], what)
}

/** The element at `index` (negative counts from the end), or a failure naming it. */
export function nth<T>(items: readonly T[], index: number, what = `item ${index}`): T {
  return defined(items.at(index), what)
}
