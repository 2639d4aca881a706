import { type BatchWaiter, handOut, rejectAll } from '../batch-waiters.ts'

/**
 * Group commit for an asynchronous write (an enqueue transaction, completing jobs): one write at
 * a time, and every call made while it runs shares the next one, so a busy web process commits
 * (and waits for the WAL flush) once per batch of webhooks instead of once per webhook, and a
 * worker settles its finished jobs in one statement. Each caller gets its own slice of the
 * results; if the write fails, every caller in it sees the error.
 */
export class WriteBatches<I, O> {
  readonly #write: (items: readonly I[]) => Promise<O[]>
  #waiting: BatchWaiter<I, O>[] = []
  #writing = false

  constructor(write: (items: readonly I[]) => Promise<O[]>) {
    this.#write = write
  }

  submit(items: readonly I[]): Promise<O[]> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ items, resolve, reject })
      if (!this.#writing) void this.#drain()
    })
  }

  async #drain(): Promise<void> {
    this.#writing = true
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting
        this.#waiting = []
        try {
          handOut(batch, await this.#write(batch.flatMap((waiter) => waiter.items)))
        } catch (error) {
          rejectAll(batch, error)
        }
      }
    } finally {
      this.#writing = false
    }
  }
}
