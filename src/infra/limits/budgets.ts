import type { RateBudget } from '../../core/ports/rate-limiter.ts'

/** Budget per key prefix (the part of a rate key before the first `:`). */
export type RateBudgets = Readonly<Record<string, RateBudget>>

/** The budget a key's prefix selects, or undefined for keys that are not limited. */
export function budgetFor(budgets: RateBudgets, key: string): RateBudget | undefined {
  const colon = key.indexOf(':')
  return budgets[colon < 0 ? key : key.slice(0, colon)]
}
