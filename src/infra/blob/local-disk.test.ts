import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import type { BlobStore } from '../../core/ports/blob-store.ts'
import { ManualClock } from '../clock/manual-clock.ts'
import { createLocalBlobStore } from './local-disk.ts'

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'cxb-blobs-'))
  const clock = new ManualClock(1_000_000)
  const signingKey = randomBytes(32)
  const store = createLocalBlobStore({ dir, publicUrl: 'http://h:1/blobs/', signingKey, clock })
  return { dir, clock, store, signingKey }
}

const bytes = new TextEncoder().encode('hello blob')

describe('local disk blob store', () => {
  it('stores data with a metadata sidecar under a random hex key and reads it back', async () => {
    const { dir, store } = setup()
    const one = await store.put(bytes, { name: 'report.pdf', mediaType: 'Application/PDF; x=y' })
    const two = await store.put(bytes, { name: 'report.pdf', mediaType: 'application/pdf' })
    expect(one.key).toMatch(/^[0-9a-f]{32}$/)
    expect(one.key).not.toBe(two.key)
    expect(one.meta).toEqual({ name: 'report.pdf', mediaType: 'application/pdf', sizeBytes: 10 })
    const folder = join(dir, one.key.slice(0, 2))
    expect(readdirSync(folder)).toContain(`${one.key}.json`)
    expect(JSON.parse(readFileSync(join(folder, `${one.key}.json`), 'utf8'))).toEqual(one.meta)
    const got = await store.get(one.key)
    expect(new TextDecoder().decode(got!.data)).toBe('hello blob')
    expect(got!.meta).toEqual(one.meta)
  })

  it('falls back to octet-stream for a malformed media type', async () => {
    const { store } = setup()
    const { meta } = await store.put(bytes, { name: 'x', mediaType: 'text/html\r\nX-Evil: 1' })
    expect(meta.mediaType).toBe('application/octet-stream')
  })

  it('never reads or deletes outside its folder', async () => {
    const { store } = setup()
    for (const key of ['../../etc/passwd', '..', 'a/b', `${'a'.repeat(32)}/../x`, '']) {
      expect(await store.get(key)).toBeUndefined()
      await expect(store.delete(key)).resolves.toBeUndefined()
      expect(() => store.signedUrl(key, 1000)).toThrow()
    }
  })

  it('deletes blobs', async () => {
    const { store } = setup()
    const { key } = await store.put(bytes, { name: 'a.txt', mediaType: 'text/plain' })
    await store.delete(key)
    expect(await store.get(key)).toBeUndefined()
    await store.delete(key)
  })

  it('signs URLs that verify until they expire, and rejects forgeries', async () => {
    const { store, clock } = setup()
    const { key } = await store.put(bytes, { name: 'a.txt', mediaType: 'text/plain' })
    const url = new URL(store.signedUrl(key, 60_000))
    expect(url.origin + url.pathname).toBe(`http://h:1/blobs/${key}`)
    const exp = Number(url.searchParams.get('exp'))
    const sig = url.searchParams.get('sig')!
    expect(exp).toBe(1_060_000)
    expect(store.verify(key, exp, sig)).toBe(true)
    expect(store.verify(key, exp + 1, sig)).toBe(false)
    expect(store.verify('0'.repeat(32), exp, sig)).toBe(false)
    expect(store.verify(key, exp, sig.slice(0, -2))).toBe(false)
    expect(store.verify(key, exp, 'x')).toBe(false)
    const other = setup().store
    expect(other.verify(key, exp, sig)).toBe(false)
    clock.advance(60_000)
    expect(store.verify(key, exp, sig)).toBe(false)
  })
})

describe('local disk blob store purge', () => {
  const stored = new Date(Date.UTC(2026, 0, 1))
  const cutoff = new Date(Date.UTC(2026, 0, 2))
  /** Dates the files back to before the cutoff, as if written then. */
  const age = (...paths: string[]) => Promise.all(paths.map((p) => utimes(p, stored, stored)))
  const pathsOf = (dir: string, key: string) => {
    const folder = join(dir, key.slice(0, 2))
    return { folder, data: join(folder, key), meta: join(folder, `${key}.json`) }
  }
  const filesIn = async (dir: string) =>
    (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort()
  const oldBlob = async (dir: string, store: BlobStore) => {
    const { key } = await store.put(bytes, { name: 'old.txt', mediaType: 'text/plain' })
    const { data, meta } = pathsOf(dir, key)
    await age(data, meta)
    return key
  }

  it('deletes blobs stored before the cutoff with their metadata, and keeps newer ones', async () => {
    const { dir, store } = setup()
    const olds = [await oldBlob(dir, store), await oldBlob(dir, store)]
    const { key: recent } = await store.put(bytes, { name: 'new.txt', mediaType: 'text/plain' })

    expect(await store.purgeOlderThan(cutoff, 10)).toBe(2)

    for (const key of olds) expect(await store.get(key)).toBeUndefined()
    expect(await filesIn(dir)).toEqual([recent, `${recent}.json`])
    expect(await store.purgeOlderThan(cutoff, 10)).toBe(0)
  })

  it('goes by the data file: metadata rewritten later does not keep an old blob', async () => {
    const { dir, store } = setup()
    const { key } = await store.put(bytes, { name: 'a.txt', mediaType: 'text/plain' })
    await age(pathsOf(dir, key).data)
    expect(await store.purgeOlderThan(cutoff, 10)).toBe(1)
    expect(await filesIn(dir)).toEqual([])
  })

  it('deletes half-stored blobs and interrupted writes by their age, and leaves foreign files', async () => {
    const { dir, store } = setup()
    const [dataOnly, metaOnly, fresh] = await Promise.all(
      [1, 2, 3].map(() => store.put(bytes, { name: 'a.txt', mediaType: 'text/plain' })),
    )
    await rm(pathsOf(dir, dataOnly!.key).meta)
    await rm(pathsOf(dir, metaOnly!.key).data)
    const folder = pathsOf(dir, fresh!.key).folder
    const oldTemp = join(folder, `${'a'.repeat(32)}.json.0123456789ab.tmp`)
    const newTemp = join(folder, `${'b'.repeat(32)}.0123456789ab.tmp`)
    const foreign = [join(folder, 'notes.txt'), join(dir, 'README')]
    for (const path of [oldTemp, newTemp, ...foreign]) await writeFile(path, 'x')
    await mkdir(join(dir, 'zz'))
    await writeFile(join(dir, 'zz', 'a'.repeat(32)), 'x')
    foreign.push(join(dir, 'zz', 'a'.repeat(32)))
    await age(
      pathsOf(dir, dataOnly!.key).data,
      pathsOf(dir, metaOnly!.key).meta,
      oldTemp,
      ...foreign,
    )

    expect(await store.purgeOlderThan(cutoff, 10)).toBe(3)

    expect(await filesIn(dir)).toEqual(
      [fresh!.key, `${fresh!.key}.json`, newTemp.slice(folder.length + 1), 'notes.txt', 'README']
        .concat('a'.repeat(32))
        .sort(),
    )
  })

  it('deletes at most `limit` per call, the next call going on until none is left', async () => {
    const { dir, store } = setup()
    const olds = []
    for (let i = 0; i < 7; i++) olds.push(await oldBlob(dir, store))
    const recent = await store.put(bytes, { name: 'new.txt', mediaType: 'text/plain' })

    const counts = []
    for (let n = 3; n === 3;) counts.push((n = await store.purgeOlderThan(cutoff, 3)))

    expect(counts).toEqual([3, 3, 1])
    for (const key of olds) expect(await store.get(key)).toBeUndefined()
    expect(await store.get(recent.key)).toBeDefined()
    expect(await store.purgeOlderThan(cutoff, 0)).toBe(0)
  })

  it('starts where the last call stopped and goes round to the folders before it', async () => {
    const { dir, store } = setup()
    const oldAt = async (folder: string, n: number) => {
      const key = `${folder}${String(n).padStart(30, '0')}`
      const { data, meta } = pathsOf(dir, key)
      await mkdir(join(dir, folder), { recursive: true })
      await writeFile(data, 'x')
      await writeFile(meta, '{}')
      await age(data, meta)
      return key
    }
    await oldAt('00', 1)
    await oldAt('80', 1)
    await oldAt('80', 2)
    await oldAt('ff', 1)

    expect(await store.purgeOlderThan(cutoff, 2)).toBe(2) // 00 and the first of 80
    const behind = await oldAt('00', 2)
    expect(await store.purgeOlderThan(cutoff, 2)).toBe(2) // the rest of 80, and ff
    expect(await store.get(behind)).toBeDefined()
    expect(await store.purgeOlderThan(cutoff, 2)).toBe(1) // round to 00
    expect(await filesIn(dir)).toEqual([])
  })

  it('finds nothing to purge before anything was stored (no folder yet)', async () => {
    const { dir, store } = setup()
    await rm(dir, { recursive: true })
    expect(await store.purgeOlderThan(cutoff, 10)).toBe(0)
  })
})
