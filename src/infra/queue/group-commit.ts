interface Waiter<I, O> {
  readonly items: readonly I[]
  readonly resolve: (results: O[]) => void
  readonly reject: (error: unknown) => void
}

/**
 * Batches writes from many callers into one transaction. Calls made before the batch runs
 * (the rest of this turn of the event loop: every request callback the poll phase delivers)
 * share one commit, and so one fsync; each caller then gets its own slice of the results. The
 * write is synchronous, so calls arriving during a commit simply wait for the next batch.
 * If the transaction fails, every caller in the batch sees the error (nothing was written).
 */
export class GroupCommit<I, O> {
  readonly #write: (items: readonly I[]) => O[]
  readonly #afterCommit: () => void
  #waiting: Waiter<I, O>[] = []
  #scheduled: NodeJS.Immediate | undefined

  constructor(write: (items: readonly I[]) => O[], afterCommit: () => void = () => {}) {
    this.#write = write
    this.#afterCommit = afterCommit
  }

  submit(items: readonly I[]): Promise<O[]> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ items, resolve, reject })
      this.#scheduled ??= setImmediate(() => this.flush())
    })
  }

  get pending(): number {
    return this.#waiting.length
  }

  /** Commits what is waiting now (also called on close, so no caller is left hanging). */
  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled)
    this.#scheduled = undefined
    const batch = this.#waiting
    this.#waiting = []
    if (batch.length === 0) return
    let results: O[]
    try {
      results = this.#write(batch.flatMap((w) => w.items))
    } catch (error) {
      for (const waiter of batch) waiter.reject(error)
      return
    }
    let offset = 0
    for (const waiter of batch) {
      waiter.resolve(results.slice(offset, offset + waiter.items.length))
      offset += waiter.items.length
    }
    this.#afterCommit()
  }
}
