import { setTimeout as sleep } from 'node:timers/promises'

import { describe, expect, it } from 'vitest'

import {
  PayloadTooLargeError,
  PolicyRefusedError,
  RemoteAmbiguousError,
  RemoteAuthError,
  RemoteRejectedError,
  RemoteUnavailableError,
} from '../../core/errors.ts'
import { openStream, type StreamDeps, type StreamRequest } from './stream-request.ts'
import { realClock, recordingLimiter, recordingMetrics } from './testing/fake-ports.ts'
import { json, type Scripted, scriptServers } from './testing/script-server.ts'

const startServer = scriptServers()

async function setup(routes: Record<string, Scripted>, extra: Partial<StreamDeps> = {}) {
  const server = await startServer(routes)
  const metrics = recordingMetrics()
  const deps: StreamDeps = {
    clock: realClock,
    metrics,
    trustedHosts: [`127.0.0.1:${server.port}`],
    ...extra,
  }
  const open = (path: string, req: Partial<StreamRequest> = {}) =>
    openStream(deps, {
      method: 'POST',
      url: `${server.url}${path}`,
      headers: { 'content-type': 'application/json' },
      body: '{}',
      timeoutMs: 2_000,
      idleTimeoutMs: 2_000,
      maxResponseBytes: 1_000_000,
      idempotent: false,
      ...req,
    })
  return { server, open, metrics }
}

const read = async (body: AsyncIterable<Uint8Array>) => {
  const parts: string[] = []
  for await (const chunk of body) parts.push(Buffer.from(chunk).toString())
  return parts
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  )

describe('openStream: the body as it arrives', () => {
  it('yields chunks before the response ends', async () => {
    let finish!: () => void
    const ended = new Promise<void>((resolve) => (finish = resolve))
    const { open, metrics } = await setup({
      '/s': async (res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.write('first')
        await ended
        res.end('second')
      },
    })
    const stream = await open('/s')
    expect(stream.status).toBe(200)
    expect(stream.headers['content-type']).toBe('text/event-stream')
    const iterator = stream.body[Symbol.asyncIterator]()
    expect(Buffer.from((await iterator.next()).value as Uint8Array).toString()).toBe('first')
    finish()
    expect(Buffer.from((await iterator.next()).value as Uint8Array).toString()).toBe('second')
    expect((await iterator.next()).done).toBe(true)
    expect(metrics.count('cxb_http_requests_total', { status: '200' })).toBe(1)
  })

  it('a silence past idleTimeoutMs is a stalled stream (timeout)', async () => {
    const { open } = await setup({
      '/s': async (res) => {
        res.writeHead(200)
        res.write('x')
        await sleep(1_000)
        res.end()
      },
    })
    const stream = await open('/s', { idleTimeoutMs: 150 })
    const error = await failure(read(stream.body))
    expect(error).toBeInstanceOf(RemoteAmbiguousError)
    expect((error as RemoteAmbiguousError).details).toMatchObject({
      timedOut: true,
      midStream: true,
    })
  })

  it('a connection cut mid-body is transient, mid-stream', async () => {
    const { open } = await setup({
      '/s': (res) => {
        res.writeHead(200)
        res.write('x', () => res.socket?.destroy())
      },
    })
    const stream = await open('/s')
    const error = await failure(read(stream.body))
    expect(error).toBeInstanceOf(RemoteUnavailableError)
    expect((error as RemoteUnavailableError).details).toMatchObject({ midStream: true })
  })

  it('refuses a body past maxResponseBytes', async () => {
    const { open } = await setup({ '/s': (res) => void res.writeHead(200).end('x'.repeat(100)) })
    const stream = await open('/s', { maxResponseBytes: 10 })
    expect(await failure(read(stream.body))).toBeInstanceOf(PayloadTooLargeError)
  })

  it("throws the caller's abort reason", async () => {
    const { open } = await setup({
      '/s': (res) => void res.writeHead(200).write('x'),
    })
    const abort = new AbortController()
    const stream = await open('/s', { signal: abort.signal })
    const reason = new Error('stop')
    const reading = failure(read(stream.body))
    await sleep(50)
    abort.abort(reason)
    expect(await reading).toBe(reason)
  })
})

describe('openStream: answers before the body', () => {
  it('no headers within timeoutMs: a timeout after sending (ambiguous), not retried', async () => {
    const { open, server } = await setup({ '/s': async () => sleep(1_000) })
    const error = await failure(open('/s', { timeoutMs: 150, idempotent: true }))
    expect(error).toBeInstanceOf(RemoteAmbiguousError)
    expect((error as RemoteAmbiguousError).details).toMatchObject({ timedOut: true })
    expect(server.hits('/s')).toBe(1)
  })

  it('401 is RemoteAuthError; other 4xx RemoteRejectedError with the remote code only', async () => {
    const { open } = await setup({
      '/auth': (res) =>
        json(res, 401, { error: { code: 'invalid_api_key', message: 'sk-secret' } }),
      '/bad': (res) => json(res, 400, { error: { code: 'invalid_value', message: 'words' } }),
    })
    expect(await failure(open('/auth'))).toBeInstanceOf(RemoteAuthError)
    const error = (await failure(open('/bad'))) as RemoteRejectedError
    expect(error).toBeInstanceOf(RemoteRejectedError)
    expect(error.details).toMatchObject({ status: 400, remoteCode: 'invalid_value' })
    expect(JSON.stringify(error.details)).not.toContain('words')
  })

  it('429 with a short Retry-After is waited out once; a long one is thrown with retryAfterMs', async () => {
    const { open, server } = await setup({
      '/short': (res, n) =>
        n === 0 ? json(res, 429, {}, { 'retry-after': '0.05' }) : void res.writeHead(200).end('ok'),
      '/long': (res) => json(res, 429, {}, { 'retry-after': '30' }),
    })
    expect(await read((await open('/short')).body)).toEqual(['ok'])
    expect(server.hits('/short')).toBe(2)
    const error = (await failure(open('/long'))) as RemoteUnavailableError
    expect(error).toBeInstanceOf(RemoteUnavailableError)
    expect(error.status).toBe(429)
    expect(error.retryAfterMs).toBe(30_000)
  })

  it('takes the wait from retryHintMs when there is no Retry-After, and pauses the rate key', async () => {
    const limiter = recordingLimiter()
    const { open } = await setup(
      { '/s': (res) => json(res, 429, {}, { 'x-wait': '9' }) },
      { limiter },
    )
    const error = (await failure(
      open('/s', { rateKey: 'ai:test', retryHintMs: (h) => Number(h['x-wait']) * 1000 }),
    )) as RemoteUnavailableError
    expect(error.retryAfterMs).toBe(9_000)
    expect(limiter.pauses).toContainEqual(['ai:test', 9_000])
  })

  it('5xx is retried once when idempotent, thrown at once when not', async () => {
    const { open, server } = await setup({
      '/flaky': (res, n) => (n === 0 ? json(res, 503, {}) : void res.writeHead(200).end('ok')),
      '/down': (res) => json(res, 502, {}),
    })
    expect(await read((await open('/flaky', { idempotent: true })).body)).toEqual(['ok'])
    expect(await failure(open('/down'))).toBeInstanceOf(RemoteUnavailableError)
    expect(server.hits('/down')).toBe(1)
  })

  it('refuses redirects', async () => {
    const { open } = await setup({
      '/s': (res) => void res.writeHead(302, { location: 'http://169.254.169.254/' }).end(),
    })
    const error = (await failure(open('/s'))) as PolicyRefusedError
    expect(error).toBeInstanceOf(PolicyRefusedError)
    expect(error.details).toMatchObject({ reason: 'redirect' })
  })
})

describe('openStream: where it may connect', () => {
  const untrusted = (extra: Partial<StreamDeps>) =>
    openStream(
      { clock: realClock, resolve: async () => [{ address: '127.0.0.1', family: 4 }], ...extra },
      {
        method: 'POST',
        url: extra.allowPrivateNetworks
          ? 'http://model.internal.test:1/'
          : 'https://model.example.test/',
        headers: {},
        timeoutMs: 500,
        idleTimeoutMs: 500,
        maxResponseBytes: 10,
        idempotent: false,
        maxRetries: 0,
      },
    )

  it('refuses plain http and private addresses unless trusted', async () => {
    const { open } = await setup({}, { trustedHosts: [] })
    expect(((await failure(open('/s'))) as PolicyRefusedError).details).toMatchObject({
      reason: 'scheme',
    })
    expect(((await failure(untrusted({}))) as PolicyRefusedError).details).toMatchObject({
      reason: 'private-address',
    })
  })

  it('allowPrivateNetworks lets an operator reach its own network', async () => {
    // Port 1 on loopback: nothing listens, so the policy passed and the connection was tried.
    const error = await failure(untrusted({ allowPrivateNetworks: true }))
    expect(error).toBeInstanceOf(RemoteUnavailableError)
  })
})
