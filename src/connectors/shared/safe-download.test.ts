import { describe, expect, it } from 'vitest'

import {
  PolicyRefusedError,
  RemoteRejectedError,
  RemoteUnavailableError,
} from '../../core/errors.ts'
import { fileNameFromDisposition, safeDownload, type SafeDownloadOptions } from './safe-download.ts'
import { recordingMetrics } from './testing/fake-ports.ts'
import { type Scripted, scriptServers } from './testing/script-server.ts'

const startServer = scriptServers()

const pdf: Scripted = (res) =>
  void res
    .writeHead(200, {
      'content-type': 'application/pdf; charset=binary',
      'content-disposition': `attachment; filename="plain.pdf"; filename*=UTF-8''%C3%9Cbersicht%2F..%2Fx.pdf`,
    })
    .end('%PDF-1.7')

async function setup(routes: Record<string, Scripted>) {
  const server = await startServer(routes)
  const trustedHost = `127.0.0.1:${server.port}`
  const trusted: SafeDownloadOptions = {
    allowedHosts: [],
    trustedPrivateHosts: [trustedHost],
    maxBytes: 1000,
  }
  return { base: server.url, trusted, server }
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(PolicyRefusedError)
  expect((error as PolicyRefusedError).retryable).toBe(false)
  return (error as PolicyRefusedError).details?.reason
}

describe('safeDownload against 127.0.0.1', () => {
  it('downloads from a trusted host:port with media type and a safe file name', async () => {
    const { base, trusted } = await setup({ '/f': pdf })
    const metrics = recordingMetrics()
    const got = await safeDownload({ metrics }, `${base}/f`, {
      ...trusted,
      allowedMediaTypes: ['application/pdf', 'image/*'],
    })
    expect(new TextDecoder().decode(got.data)).toBe('%PDF-1.7')
    expect(got.mediaType).toBe('application/pdf')
    expect(got.fileName).toBe('x.pdf')
    expect(metrics.count('cxb_downloads_total', { outcome: 'ok' })).toBe(1)
  })

  it('refuses the same address when it is not trusted, before connecting', async () => {
    const { base, server } = await setup({ '/f': pdf })
    const allowed = { allowedHosts: ['127.0.0.1'], maxBytes: 1000 }
    expect(await refusal(safeDownload({}, `${base}/f`, allowed))).toBe('scheme')
    const https = base.replace('http:', 'https:')
    expect(await refusal(safeDownload({}, `${https}/f`, allowed))).toBe('private-address')
    expect(server.hits('/f')).toBe(0)
  })

  it('refuses redirects without following them', async () => {
    const { base, trusted, server } = await setup({
      '/r': (res) => void res.writeHead(302, { location: '/f' }).end(),
      '/f': pdf,
    })
    expect(await refusal(safeDownload({}, `${base}/r`, trusted))).toBe('redirect')
    expect(server.hits('/f')).toBe(0)
  })

  it('refuses oversize bodies, declared or streamed', async () => {
    const { base, trusted } = await setup({
      '/declared': (res) =>
        void res.writeHead(200, { 'content-length': '2000' }).end('x'.repeat(2000)),
      '/streamed': (res) => {
        res.writeHead(200)
        for (let i = 0; i < 5; i++) res.write('y'.repeat(400))
        res.end()
      },
    })
    expect(await refusal(safeDownload({}, `${base}/declared`, trusted))).toBe('too-large')
    expect(await refusal(safeDownload({}, `${base}/streamed`, trusted))).toBe('too-large')
  })

  it('refuses media types outside the list', async () => {
    const { base, trusted } = await setup({
      '/html': (res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>'),
    })
    const options = { ...trusted, allowedMediaTypes: ['image/*'] }
    expect(await refusal(safeDownload({}, `${base}/html`, options))).toBe('media-type')
  })

  it('connects to the pinned address, whatever the name resolves to later', async () => {
    const { trusted, server } = await setup({ '/f': pdf })
    const lookups: string[] = []
    const resolve = async (hostname: string) => {
      lookups.push(hostname)
      return [{ address: '127.0.0.1', family: 4 as const }]
    }
    // `pinned.invalid` cannot resolve through DNS: only the pinned address can reach the server.
    const got = await safeDownload({ resolve }, `http://pinned.invalid:${server.port}/f`, {
      ...trusted,
      trustedPrivateHosts: [`pinned.invalid:${server.port}`],
    })
    expect(got.mediaType).toBe('application/pdf')
    expect(lookups).toEqual(['pinned.invalid'])
    expect(server.seen[0]!.headers.host).toBe(`pinned.invalid:${server.port}`)
  })

  it('sends credentials, refreshes once on 401, and classifies remote errors', async () => {
    const { base, trusted, server } = await setup({
      '/auth': (res, n) => void (n === 0 ? res.writeHead(401).end() : res.writeHead(200).end('ok')),
      '/gone': (res) => void res.writeHead(404).end(),
      '/busy': (res) => void res.writeHead(503, { 'retry-after': '7' }).end(),
    })
    let token = 'a'
    const auth = { header: async () => `Bearer ${token}`, refresh: async () => void (token = 'b') }
    await safeDownload({}, `${base}/auth`, { ...trusted, auth })
    expect(server.seen.map((s) => s.headers.authorization)).toEqual(['Bearer a', 'Bearer b'])
    await expect(safeDownload({}, `${base}/gone`, trusted)).rejects.toBeInstanceOf(
      RemoteRejectedError,
    )
    await expect(safeDownload({}, `${base}/busy`, trusted)).rejects.toMatchObject({
      name: 'RemoteUnavailableError',
      retryAfterMs: 7000,
    })
  })
})

describe('safeDownload policy without connecting', () => {
  const resolveTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }))
  const options = { allowedHosts: ['files.example.com', '.sharepoint.com'], maxBytes: 10 }

  it.each([
    ['https://evil.example.com/x', 'host'],
    ['https://evilsharepoint.com/x', 'host'],
    ['https://sharepoint.com/x', 'host'],
    ['https://user:pw@files.example.com/x', 'userinfo'],
    ['ftp://files.example.com/x', 'scheme'],
    ['http://files.example.com/x', 'scheme'],
    ['not a url', 'invalid-url'],
  ])('%s → %s', async (url, reason) => {
    expect(await refusal(safeDownload({ resolve: resolveTo('52.96.0.1') }, url, options))).toBe(
      reason,
    )
  })

  it('refuses a name with any private address, and private IP literals', async () => {
    const mixed = resolveTo('52.96.0.1', '10.0.0.5')
    const url = 'https://tenant.sharepoint.com/f'
    expect(await refusal(safeDownload({ resolve: mixed }, url, options))).toBe('private-address')
    const mapped = resolveTo('::ffff:169.254.169.254')
    expect(await refusal(safeDownload({ resolve: mapped }, url, options))).toBe('private-address')
    for (const literal of ['169.254.169.254', '[::1]', '[::ffff:127.0.0.1]', '[fd00:ec2::254]']) {
      const allowed = { ...options, allowedHosts: [literal] }
      expect(await refusal(safeDownload({}, `https://${literal}/x`, allowed))).toBe(
        'private-address',
      )
    }
  })

  it('reports DNS failures as transient', async () => {
    const failing = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })
    }
    await expect(
      safeDownload({ resolve: failing }, 'https://files.example.com/x', options),
    ).rejects.toBeInstanceOf(RemoteUnavailableError)
  })
})

describe('fileNameFromDisposition', () => {
  it.each([
    [`attachment; filename="a \\"b\\".txt"`, 'a "b".txt'],
    ['inline; filename=plain.png', 'plain.png'],
    [`attachment; filename*=UTF-8''na%C3%AFve.txt; filename="naive.txt"`, 'naïve.txt'],
    [`attachment; filename*=UTF-8''%E0%A4%A; filename="fallback.txt"`, 'fallback.txt'],
    ['attachment', undefined],
  ])('%s', (header, expected) => {
    expect(fileNameFromDisposition(header)).toBe(expected)
  })
})
