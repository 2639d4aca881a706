import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

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
