import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { ManualClock } from '../clock/manual-clock.ts'
import { createLocalBlobStore } from './local-disk.ts'
import { contentDisposition, serveBlob } from './serve-blob.ts'

async function setup(name = 'Übersicht "Q1".pdf') {
  const clock = new ManualClock(5_000)
  const store = createLocalBlobStore({
    dir: mkdtempSync(join(tmpdir(), 'cxb-serve-')),
    publicUrl: 'http://h/blobs',
    signingKey: randomBytes(32),
    clock,
  })
  const { key } = await store.put(new Uint8Array([1, 2, 3]), { name, mediaType: 'text/html' })
  const url = new URL(store.signedUrl(key, 1000))
  const query = Object.fromEntries(url.searchParams)
  return { clock, store, key, query }
}

describe('serveBlob', () => {
  it('serves a signed blob as a download that cannot run in the browser', async () => {
    const { store, key, query } = await setup()
    const res = await serveBlob(store, key, query)
    expect(res.status).toBe(200)
    expect(res.body).toEqual(new Uint8Array([1, 2, 3]))
    expect(res.headers).toMatchObject({
      'content-type': 'text/html',
      'content-length': '3',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'content-disposition': `attachment; filename="_bersicht _Q1_.pdf"; filename*=UTF-8''%C3%9Cbersicht%20%22Q1%22.pdf`,
    })
  })

  it('answers 403 for expired, forged or missing signatures and 404 for deleted blobs', async () => {
    const { store, key, query, clock } = await setup()
    expect((await serveBlob(store, key, { ...query, sig: 'AAAA' })).status).toBe(403)
    expect((await serveBlob(store, key, { exp: query.exp })).status).toBe(403)
    expect((await serveBlob(store, key, { ...query, exp: '1e9' })).status).toBe(403)
    expect((await serveBlob(store, '../x', query)).status).toBe(403)
    await store.delete(key)
    expect((await serveBlob(store, key, query)).status).toBe(404)
    clock.advance(1000)
    const expired = await serveBlob(store, key, query)
    expect(expired.status).toBe(403)
    expect(expired.headers['content-type']).toBe('application/problem+json')
  })

  it('keeps header-breaking characters out of Content-Disposition', () => {
    const header = contentDisposition('evil\r\nSet-Cookie: a=b;"\\.txt')
    expect(header).not.toMatch(/[\r\n]/)
    expect(header.startsWith('attachment; filename="evilSet-Cookie: a=b___.txt"')).toBe(true)
    expect(contentDisposition('\u0000')).toBe(
      `attachment; filename="download"; filename*=UTF-8''download`,
    )
  })
})
