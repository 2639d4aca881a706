/** A caller of a batched write: its own items, and how to give it its results. */
export interface BatchWaiter<I, O> {
  readonly items: readonly I[]
  readonly resolve: (results: O[]) => void
  readonly reject: (error: unknown) => void
}

/** Gives each caller of a batch its own slice of the batch's results, in submission order. */
export function handOut<I, O>(batch: readonly BatchWaiter<I, O>[], results: readonly O[]): void {
  let offset = 0
  for (const waiter of batch) {
    waiter.resolve(results.slice(offset, offset + waiter.items.length))
    offset += waiter.items.length
  }
}

/** Every caller of a failed batch sees the error. */
export function rejectAll<I, O>(batch: readonly BatchWaiter<I, O>[], error: unknown): void {
  for (const waiter of batch) waiter.reject(error)
}
