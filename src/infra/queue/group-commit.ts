import { type BatchWaiter, handOut, rejectAll } from './batch-waiters.ts'

export interface GroupCommitOptions {
  /** Runs once a batch's results are handed out (e.g. wake the worker). */
  readonly afterCommit?: () => void
  /**
   * Runs once a batch is written, before it is durable: work that follows from the rows (a
   * worker claiming them) may start while the fsync runs, and callers still wait for it.
   */
  readonly afterWrite?: () => void
  /** Resolves once the batch just written is durable (the WAL fsync); callers wait for it. */
  readonly durable?: () => Promise<void>
}

/**
 * Batches writes from many callers into one transaction. Calls made before the batch runs
 * (the rest of this turn of the event loop: every request callback the poll phase delivers)
 * share one commit, and so one fsync; each caller then gets its own slice of the results. The
 * write is synchronous, so calls arriving during a commit simply wait for the next batch.
 * If the transaction (or making it durable) fails, every caller in the batch sees the error.
 */
export class GroupCommit<I, O> {
  readonly #write: (items: readonly I[]) => O[]
  readonly #afterCommit: () => void
  readonly #afterWrite: () => void
  readonly #durable: (() => Promise<void>) | undefined
  #waiting: BatchWaiter<I, O>[] = []
  #scheduled: NodeJS.Immediate | undefined

  constructor(write: (items: readonly I[]) => O[], options: GroupCommitOptions = {}) {
    this.#write = write
    this.#afterCommit = options.afterCommit ?? (() => {})
    this.#afterWrite = options.afterWrite ?? (() => {})
    this.#durable = options.durable
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
      rejectAll(batch, error)
      return
    }
    this.#afterWrite()
    if (!this.#durable) {
      this.#handOut(batch, results)
      return
    }
    this.#durable().then(
      () => this.#handOut(batch, results),
      (error: unknown) => rejectAll(batch, error),
    )
  }

  #handOut(batch: readonly BatchWaiter<I, O>[], results: readonly O[]): void {
    handOut(batch, results)
    this.#afterCommit()
  }
}
