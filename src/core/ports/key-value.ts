import type { JsonValue } from '../model/json.ts'

export interface KeyValueEntry<T extends JsonValue = JsonValue> {
  readonly value: T
  /** Opaque, new on every write: what `compareAndSet` compares. */
  readonly revision: string
}

export interface KeyValueWriteOptions {
  /** Milliseconds until the entry expires (fractions round up); none: kept until deleted. */
  readonly ttlMs?: number
}

/**
 * Small JSON values shared by every process, with an optional expiry: bot sessions and caches.
 * The embedded deployment keeps them in the store's database, the scaled one in Redis. An
 * expired entry reads as absent at once, whenever its storage actually removes it.
 */
export interface KeyValueStore {
  get<T extends JsonValue = JsonValue>(key: string): Promise<KeyValueEntry<T> | undefined>
  /** Writes unconditionally; the expiry is replaced (none given: the entry no longer expires). */
  set(key: string, value: JsonValue, options?: KeyValueWriteOptions): Promise<void>
  /**
   * Writes only while the entry still has revision `expected` (`undefined`: only while it is
   * absent or expired), so a read-modify-write that lost a race can tell and start over.
   * Returns whether it wrote.
   */
  compareAndSet(
    key: string,
    expected: string | undefined,
    value: JsonValue,
    options?: KeyValueWriteOptions,
  ): Promise<boolean>
  delete(key: string): Promise<void>
}
