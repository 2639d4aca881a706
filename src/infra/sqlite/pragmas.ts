import type Database from 'better-sqlite3'

/**
 * Page cache per connection. better-sqlite3 builds SQLite with a 16 MB default
 * (`SQLITE_DEFAULT_CACHE_SIZE=-16000`, better-sqlite3 deps/defines.gypi) instead of SQLite's 2 MB:
 * with the store and the queue each filling theirs, that was 31 MiB of the 10,000-conversation
 * benchmark's RSS. Pages beyond the cache come from the OS page cache, one pread each: inserts
 * into the store's messages table cost the same CPU with 4 or 16 MB (docs/operations.md).
 */
export const PAGE_CACHE_KIB = 2048

/**
 * The settings every bridge database file shares: WAL (readers beside the writer), NORMAL sync
 * (each caller says how it makes acknowledged writes durable), a wait instead of SQLITE_BUSY,
 * and the bounded page cache.
 */
export function useServicePragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('busy_timeout = 5000')
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`)
}
