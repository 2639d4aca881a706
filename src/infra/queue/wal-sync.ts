import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs'
import { dirname } from 'node:path'

/** `fs.fdatasync`'s callback form (injectable for tests). */
export type DataSync = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => void

interface Waiter {
  readonly generation: number
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

/**
 * Makes committed WAL frames durable off the event loop. The queue's connection commits with
 * `synchronous=NORMAL`, which writes a transaction's frames to the `-wal` file but does not
 * fsync them; `sync()` then runs `fdatasync` on that file in libuv's thread pool and resolves
 * once every commit made before the call is on disk — what `synchronous=FULL` would have done
 * inside the commit, blocking the event loop for the whole flush
 * (https://www.sqlite.org/pragma.html#pragma_synchronous, https://www.sqlite.org/wal.html).
 * Calls made while a flush runs share the next one (group commit for the fsync itself).
 */
export class WalSync {
  readonly #walPath: string | undefined
  readonly #datasync: DataSync
  #fd: number | undefined
  #requested = 0
  #running = false
  #waiters: Waiter[] = []
  #idle: Array<() => void> = []

  /** `dbPath` ':memory:' has nothing to sync. */
  constructor(dbPath: string, datasync: DataSync = fdatasync) {
    this.#walPath = dbPath === ':memory:' ? undefined : `${dbPath}-wal`
    this.#datasync = datasync
  }

  /** Syncs the directory once, so a newly created `-wal` file's entry survives power loss. */
  syncDirectory(): void {
    if (!this.#walPath) return
    const fd = openSync(dirname(this.#walPath), 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }

  /** Resolves when everything committed before this call is on disk. */
  sync(): Promise<void> {
    if (!this.#walPath) return Promise.resolve()
    const generation = ++this.#requested
    return new Promise((resolve, reject) => {
      this.#waiters.push({ generation, resolve, reject })
      if (!this.#running) this.#flush()
    })
  }

  /** Waits for the flushes asked for so far, then releases the file. */
  async close(): Promise<void> {
    if (this.#running) await new Promise<void>((resolve) => this.#idle.push(resolve))
    if (this.#fd !== undefined) closeSync(this.#fd)
    this.#fd = undefined
  }

  #flush(): void {
    this.#running = true
    const target = this.#requested
    let fd: number
    try {
      // Opened once the queue has written (the -wal file exists from the first commit on).
      fd = this.#fd ??= openSync(this.#walPath as string, 'r')
    } catch (error) {
      this.#settle(target, error)
      return
    }
    this.#datasync(fd, (error) => this.#settle(target, error ?? undefined))
  }

  #settle(target: number, error: unknown): void {
    const done = this.#waiters.filter((w) => w.generation <= target)
    this.#waiters = this.#waiters.filter((w) => w.generation > target)
    for (const waiter of done) {
      if (error) waiter.reject(error)
      else waiter.resolve()
    }
    if (this.#waiters.length > 0) {
      this.#flush()
      return
    }
    this.#running = false
    for (const resolve of this.#idle.splice(0)) resolve()
  }
}
