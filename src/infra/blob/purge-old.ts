import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

import { unlessMissing } from './unless-missing.ts'

/** A fan-out folder: the first two hex digits of the keys it holds. */
const FOLDER = /^[0-9a-f]{2}$/
/** `<key>` (data), `<key>.json` (metadata), either with `.<hex>.tmp` while being written. */
const ENTRY = /^([0-9a-f]{32})(\.json)?(\.[0-9a-f]+\.tmp)?$/

export interface PurgePass {
  readonly removed: number
  /** The folder where `limit` was reached (the next call starts there), or none after a full pass. */
  readonly stoppedIn?: string
}

/**
 * Deletes up to `limit` blobs of `dir` whose data file was written before `cutoffMs`, metadata
 * first, like `delete`. A blob left with only one of its files by a crash goes by the age of the
 * file left; temporary files of interrupted writes go by their own age, each counted as one. Files
 * that are not the store's are left alone. Folders are visited in order from `startIn` round to
 * the one before it, so calls that each stop at `limit` do not stat the same young blobs again.
 */
export async function purgeOldBlobs(
  dir: string,
  cutoffMs: number,
  limit: number,
  startIn?: string,
): Promise<PurgePass> {
  let removed = 0
  if (limit <= 0) return { removed }
  const folders = (await entriesOf(dir))
    .filter((entry) => entry.isDirectory() && FOLDER.test(entry.name))
    .map((entry) => entry.name)
    .sort()
  const start = Math.max(
    0,
    folders.findIndex((name) => startIn !== undefined && name >= startIn),
  )
  for (const folder of [...folders.slice(start), ...folders.slice(0, start)]) {
    removed += await purgeFolder(join(dir, folder), cutoffMs, limit - removed)
    if (removed >= limit) return { removed, stoppedIn: folder }
  }
  return { removed }
}

async function purgeFolder(folder: string, cutoffMs: number, limit: number): Promise<number> {
  const blobs = new Map<string, { data?: string; meta?: string }>()
  const temps: string[] = []
  for (const entry of await entriesOf(folder)) {
    const match = entry.isFile() ? ENTRY.exec(entry.name) : null
    if (!match) continue
    const path = join(folder, entry.name)
    if (match[3]) {
      temps.push(path)
      continue
    }
    const files = blobs.get(match[1]!) ?? {}
    blobs.set(match[1]!, match[2] ? { ...files, meta: path } : { ...files, data: path })
  }
  let removed = 0
  // A file deleted meanwhile is not counted.
  const isOld = async (path: string) =>
    ((await unlessMissing(stat(path)))?.mtimeMs ?? Infinity) < cutoffMs
  for (const path of temps) {
    if (removed >= limit) return removed
    if (!(await isOld(path))) continue
    await rm(path, { force: true })
    removed++
  }
  for (const { data, meta } of blobs.values()) {
    if (removed >= limit) return removed
    if (!(await isOld((data ?? meta)!))) continue
    if (meta) await rm(meta, { force: true })
    if (data) await rm(data, { force: true })
    removed++
  }
  return removed
}

/** The folder's entries, none when it does not exist (nothing stored yet). */
const entriesOf = async (folder: string) =>
  (await unlessMissing(readdir(folder, { withFileTypes: true }))) ?? []
