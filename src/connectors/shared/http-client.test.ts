import { describe, expect, it } from 'vitest'

import {
  PayloadTooLargeError,
  RemoteAmbiguousError,
  RemoteAuthError,
  RemoteRejectedError,
  RemoteUnavailableError,
} from '../../core/errors.ts'
import type { HttpRequest } from './http.ts'
import { createHttpClient, type HttpClientOptions } from './http-client.ts'
import {
  capturingLogger,
  realClock,
  recordingLimiter,
  recordingMetrics,
  scriptedBreaker,
} from './testing/fake-ports.ts'
import { json, type Scripted, scriptServers } from './testing/script-server.ts'

const startServer = scriptServers()

async function setup(routes: Record<string, Scripted>, extra: Partial<HttpClientOptions> = {}) {
  const server = await startServer(routes)
  const limiter = recordingLimiter()
  const metrics = recordingMetrics()
  const log = capturingLogger()
  const http = createHttpClient({
    limiter,
    clock: realClock,
    metrics,
    log,
    backoff: { baseMs: 5, maxMs: 20 },
    ...extra,
  })
  const base = server.url
  const call = (path: string, req: Partial<HttpRequest> = {}) =>
    http.request({ method: 'GET', url: `${base}${path}`, ...req })
  return { http, limiter, metrics, log, call, server }
}

describe('http client: success and request shape', () => {
  it('sends JSON and form bodies with auth and returns lower-cased headers', async () => {
    const { call, server, metrics } = await setup({
      '/echo': (res, _n, req) => json(res, 201, { got: req.body }, { 'X-Thing': 'a' }),
    })
    const auth = { header: async () => 'Bearer tkn', refresh: async () => {} }
    const res = await call('/echo', { method: 'POST', json: { a: 1 }, auth, rateKey: 'g:1' })
    expect(res.status).toBe(201)
    expect(res.headers['x-thing']).toBe('a')
    expect(res.json()).toEqual({ got: '{"a":1}' })
    expect(server.seen[0]!.headers).toMatchObject({
      authorization: 'Bearer tkn',
      'content-type': 'application/json',
    })
    await call('/echo', { method: 'POST', form: { grant_type: 'x', scope: 'a b' } })
    expect(server.seen[1]!.body).toBe('grant_type=x&scope=a+b')
    expect(server.seen[1]!.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(metrics.count('cxb_http_requests_total', { key: 'g:1', status: '201' })).toBe(1)
  })

  it('returns redirects as they are, without following them', async () => {
    const { call, server } = await setup({
      '/moved': (res) => void res.writeHead(302, { location: '/elsewhere' }).end(),
      '/elsewhere': (res) => json(res, 200, {}),
    })
    const res = await call('/moved')
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe('/elsewhere')
    expect(server.hits('/elsewhere')).toBe(0)
  })

  it('refuses response bodies over the cap, declared or streamed', async () => {
    const { call } = await setup({
      '/declared': (res) =>
        void res.writeHead(200, { 'content-length': '100' }).end('x'.repeat(100)),
      '/chunked': (res) => {
        res.writeHead(200)
        res.write('x'.repeat(60))
        res.end('y'.repeat(60))
      },
    })
    await expect(call('/declared', { maxResponseBytes: 10 })).rejects.toThrow(PayloadTooLargeError)
    await expect(call('/chunked', { maxResponseBytes: 100 })).rejects.toThrow(PayloadTooLargeError)
    expect((await call('/chunked', { maxResponseBytes: 120 })).body.length).toBe(120)
  })
})

describe('http client: throttling', () => {
  it('waits out a fractional Retry-After on the paused key, then succeeds', async () => {
    const { call, limiter, server, metrics } = await setup({
      '/busy': (res, n) =>
        n === 0 ? json(res, 429, {}, { 'retry-after': '0.2' }) : json(res, 200, { ok: true }),
    })
    const started = Date.now()
    const res = await call('/busy', { method: 'POST', rateKey: 'genesys:org' })
    expect(res.json()).toEqual({ ok: true })
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(limiter.pauses).toEqual([['genesys:org', 200]])
    expect(server.hits('/busy')).toBe(2)
    expect(
      metrics.count('cxb_http_retries_total', { key: 'genesys:org', reason: 'throttled' }),
    ).toBe(1)
  })

  it('throws RemoteUnavailableError with retryAfterMs when the wait is long, pausing the key', async () => {
    const at = new Date(Date.now() + 120_000).toUTCString()
    const { call, limiter, server } = await setup({
      '/seconds': (res) => json(res, 429, {}, { 'retry-after': '120' }),
      '/date': (res) => json(res, 429, {}, { 'retry-after': at }),
    })
    const error = await call('/seconds', { rateKey: 'graph:a' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RemoteUnavailableError)
    expect(error).toMatchObject({ status: 429, retryAfterMs: 120_000, retryable: true })
    expect(limiter.pauses).toEqual([['graph:a', 120_000]])
    expect(server.hits('/seconds')).toBe(1)
    const dated = (await call('/date').catch((e: unknown) => e)) as RemoteUnavailableError
    expect(dated.retryAfterMs).toBeGreaterThan(110_000)
    expect(dated.retryAfterMs).toBeLessThanOrEqual(120_000)
  })

  it('gives up after maxRetries throttled answers', async () => {
    const { call, server } = await setup({
      '/always': (res) => json(res, 429, {}, { 'retry-after': '0' }),
    })
    await expect(call('/always', { maxRetries: 2 })).rejects.toMatchObject({ status: 429 })
    expect(server.hits('/always')).toBe(3)
  })
})

describe('http client: server errors and timeouts', () => {
  it('retries 5xx for idempotent requests with backoff, then gives up', async () => {
    const { call, server } = await setup({
      '/flaky': (res, n) => (n < 2 ? json(res, 503, {}) : json(res, 200, { n })),
      '/down': (res) => json(res, 502, {}),
    })
    expect((await call('/flaky')).json()).toEqual({ n: 2 })
    await expect(call('/down', { maxRetries: 1 })).rejects.toMatchObject({
      name: 'RemoteUnavailableError',
      status: 502,
    })
    expect(server.hits('/down')).toBe(2)
  })

  it('does not replay a non-idempotent request after a 5xx', async () => {
    const { call, server } = await setup({ '/post': (res) => json(res, 503, {}) })
    await expect(call('/post', { method: 'POST', json: {} })).rejects.toBeInstanceOf(
      RemoteUnavailableError,
    )
    expect(server.hits('/post')).toBe(1)
  })

  it('times out slow answers: retried when idempotent, ambiguous when not', async () => {
    const slow: Scripted = async (res) => {
      await new Promise((resolve) => setTimeout(resolve, 400))
      if (!res.destroyed) json(res, 200, {})
    }
    const { call, server } = await setup({ '/slow': slow })
    const get = await call('/slow', { timeoutMs: 80, maxRetries: 1 }).catch((e: unknown) => e)
    expect(get).toBeInstanceOf(RemoteUnavailableError)
    expect((get as RemoteUnavailableError).details).toMatchObject({ timedOut: true })
    expect(server.hits('/slow')).toBe(2)
    const post = call('/slow', { method: 'POST', json: {}, timeoutMs: 80 })
    await expect(post).rejects.toBeInstanceOf(RemoteAmbiguousError)
    expect(server.hits('/slow')).toBe(3)
  })

  it('retries even a POST when the connection was refused (it never left)', async () => {
    const { http, server } = await setup({})
    const closed = server.url
    await server.close()
    const error = await http
      .request({ method: 'POST', url: `${closed}/x`, json: {}, maxRetries: 1 })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RemoteUnavailableError)
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('passes the caller abort reason through unchanged', async () => {
    const { call } = await setup({
      '/hang': async (res) => {
        await new Promise((resolve) => setTimeout(resolve, 300))
        if (!res.destroyed) json(res, 200, {})
      },
    })
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('shutting down')), 30)
    await expect(call('/hang', { signal: controller.signal })).rejects.toThrow('shutting down')
  })
})

describe('http client: auth and refusals', () => {
  it('refreshes credentials once after a 401 and retries once', async () => {
    const { call, server } = await setup({
      '/once': (res, n) => (n === 0 ? json(res, 401, {}) : json(res, 200, {})),
      '/never': (res) => json(res, 401, {}),
    })
    let token = 'old'
    let refreshes = 0
    const auth = {
      header: async () => `Bearer ${token}`,
      refresh: async () => {
        refreshes += 1
        token = 'new'
      },
    }
    expect((await call('/once', { method: 'POST', json: {}, auth })).status).toBe(200)
    expect(server.seen.map((s) => s.headers.authorization)).toEqual(['Bearer old', 'Bearer new'])
    await expect(call('/never', { auth })).rejects.toMatchObject({
      name: 'RemoteAuthError',
      status: 401,
    })
    expect(server.hits('/never')).toBe(2)
    expect(refreshes).toBe(2)
  })

  it('maps 403 to RemoteAuthError without a refresh', async () => {
    const { call, server } = await setup({ '/forbidden': (res) => json(res, 403, {}) })
    let refreshed = false
    const auth = { header: async () => 'Bearer t', refresh: async () => void (refreshed = true) }
    await expect(call('/forbidden', { auth })).rejects.toBeInstanceOf(RemoteAuthError)
    expect(refreshed).toBe(false)
    expect(server.hits('/forbidden')).toBe(1)
  })

  it('returns the 4xx statuses a caller accepts, so it can read why', async () => {
    const { call } = await setup({
      '/stream': (res) =>
        json(res, 403, { error: { code: 'ContentStreamNotAllowed', message: 'why' } }),
    })
    const res = await call('/stream', { method: 'POST', json: {}, acceptStatuses: [403] })
    expect([res.status, res.json()]).toEqual([
      403,
      { error: { code: 'ContentStreamNotAllowed', message: 'why' } },
    ])
    await expect(call('/stream', { method: 'POST', json: {} })).rejects.toBeInstanceOf(
      RemoteAuthError,
    )
  })

  it('maps other 4xx to RemoteRejectedError with the remote code, never its text', async () => {
    const { call } = await setup({
      '/graph': (res) =>
        json(
          res,
          400,
          { error: { code: 'BadRequest', message: 'leaky detail' } },
          { 'request-id': 'r-1' },
        ),
      '/genesys': (res) => json(res, 404, { code: 'not.found', message: 'leaky', status: 404 }),
      '/junk': (res) => void res.writeHead(422).end('<html>leaky</html>'),
    })
    const graph = (await call('/graph').catch((e: unknown) => e)) as RemoteRejectedError
    expect(graph).toBeInstanceOf(RemoteRejectedError)
    expect(graph.retryable).toBe(false)
    expect(graph.details).toMatchObject({ status: 400, remoteCode: 'BadRequest', requestId: 'r-1' })
    expect(JSON.stringify(graph.details) + graph.message).not.toContain('leaky')
    await expect(call('/genesys')).rejects.toMatchObject({
      status: 404,
      details: { remoteCode: 'not.found' },
    })
    const junk = (await call('/junk').catch((e: unknown) => e)) as RemoteRejectedError
    expect(junk.details).toEqual({ host: expect.any(String), status: 422 })
  })
})

describe('http client: circuit and logs', () => {
  it('fails fast while the circuit is open and reports outcomes to the breaker', async () => {
    const open = scriptedBreaker(true)
    const { call, server } = await setup({ '/x': (res) => json(res, 500, {}) }, { breaker: open })
    await expect(call('/x', { rateKey: 'g:1' })).rejects.toMatchObject({
      name: 'RemoteUnavailableError',
      retryAfterMs: 5000,
    })
    expect(server.hits('/x')).toBe(0)
    await server.close()

    const closed = scriptedBreaker(false)
    const second = await setup({ '/x': (res) => json(res, 500, {}) }, { breaker: closed })
    await expect(second.call('/x', { rateKey: 'g:1', maxRetries: 1 })).rejects.toThrow()
    expect(closed.reports).toEqual(['failure:g:1', 'failure:g:1'])
  })

  it('never logs the Authorization header, the query string or bodies', async () => {
    const { call, log } = await setup({
      '/busy': (res, n) =>
        n === 0 ? json(res, 503, { body: 'RESPONSE-BODY' }) : json(res, 200, {}),
    })
    const auth = { header: async () => 'Bearer SECRET-TOKEN', refresh: async () => {} }
    await call('/busy?code=QUERY-SECRET', { auth, json: { x: 'REQUEST-BODY' }, method: 'PUT' })
    const text = log.lines.join('\n')
    expect(text).toContain('http retry')
    for (const secret of ['SECRET-TOKEN', 'QUERY-SECRET', 'REQUEST-BODY', 'RESPONSE-BODY']) {
      expect(text).not.toContain(secret)
    }
  })
})

describe('http client: breaker bookkeeping', () => {
  it('frees the breaker slot when the credentials cannot be obtained', async () => {
    const breaker = scriptedBreaker(false)
    const { call, server } = await setup({ '/x': (res) => json(res, 200, {}) }, { breaker })
    const auth = {
      header: async () => {
        throw new Error('token endpoint down')
      },
      refresh: async () => {},
    }
    await expect(call('/x', { auth, rateKey: 'g:2' })).rejects.toThrow('token endpoint down')
    expect(breaker.reports).toEqual(['cancel:g:2'])
    expect(server.hits('/x')).toBe(0)
  })
})
