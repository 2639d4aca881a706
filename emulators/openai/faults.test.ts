import { fetch } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { DEFAULT_API_KEY, type OpenAiEmulator, startOpenAiEmulator } from './index.ts'

let ai: OpenAiEmulator
beforeAll(async () => {
  ai = await startOpenAiEmulator()
})
afterAll(() => ai.close())
beforeEach(async () => {
  expect((await control('POST', 'reset')).status).toBe(204)
})

const control = (method: string, path: string, body?: unknown) =>
  fetch(`${ai.url}/_emulator/${path}`, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  })
const streamRequest = (signal?: AbortSignal) =>
  fetch(`${ai.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEFAULT_API_KEY}` },
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    }),
    ...(signal ? { signal } : {}),
  })

describe('status faults (HTTP control)', () => {
  it('429 with Retry-After, x-ratelimit headers and the rate-limit error, then recovers', async () => {
    expect(
      (
        await control('POST', 'faults', {
          route: 'openai.chat.completions',
          status: 429,
          retryAfterSeconds: 7,
        })
      ).status,
    ).toBe(204)
    const res = await streamRequest()
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('0')
    expect(res.headers.get('x-ratelimit-reset-requests')).toBe('7s')
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({
      type: 'requests',
      code: 'rate_limit_exceeded',
    })
    expect((await streamRequest()).status).toBe(200)
  })

  it('500 and 503 with server_error bodies, `times` of them', async () => {
    await control('POST', 'faults', { route: 'openai.chat.completions', status: 503, times: 2 })
    for (let i = 0; i < 2; i++) {
      const res = await streamRequest()
      expect(res.status).toBe(503)
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({
        type: 'server_error',
      })
    }
    await control('POST', 'faults', { route: '*', status: 500 })
    expect((await streamRequest()).status).toBe(500)
  })

  it('latency delays the answer; drop hangs up', async () => {
    await control('POST', 'faults', { route: 'openai.chat.completions', latencyMs: 150 })
    const started = Date.now()
    expect((await streamRequest()).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    await control('POST', 'faults', { route: 'openai.chat.completions', drop: true })
    await expect(streamRequest()).rejects.toThrow()
  })

  it('a bad control body is a 400', async () => {
    expect((await control('POST', 'stream-faults', { kind: 'explode' })).status).toBe(400)
    expect((await control('PUT', 'streaming', { chunkDelayMs: -1 })).status).toBe(400)
    expect((await control('POST', 'replies', { text: 5 })).status).toBe(400)
  })
})

describe('stream faults', () => {
  beforeEach(() => control('PUT', 'reply', { text: 'alpha beta gamma omega' }))

  it('error-event: an error object as a data event, after the first chunk', async () => {
    await control('POST', 'stream-faults', { kind: 'error-event', afterChunks: 1 })
    const text = await (await streamRequest()).text()
    expect(text).toContain('"content":"alpha"')
    expect(text).not.toContain('beta')
    expect(text).toMatch(/data: \{"error":\{"message":".+","type":"server_error"/)
    expect(text).not.toContain('[DONE]')
  })

  it('malformed: a data line that is not JSON', async () => {
    await control('POST', 'stream-faults', { kind: 'malformed', afterChunks: 2 })
    const text = await (await streamRequest()).text()
    expect(text).toContain('beta')
    expect(text.trimEnd().endsWith('"choices":[{')).toBe(true)
  })

  it('end-early: ends cleanly without finish_reason or [DONE]', async () => {
    await control('POST', 'stream-faults', { kind: 'end-early', afterChunks: 3 })
    const text = await (await streamRequest()).text()
    expect(text).toContain('gamma')
    expect(text).not.toContain('omega')
    expect(text).not.toContain('finish_reason":"stop')
  })

  it('cut: the connection is destroyed mid-stream', async () => {
    await control('POST', 'stream-faults', { kind: 'cut', afterChunks: 1 })
    const res = await streamRequest()
    await expect(res.text()).rejects.toThrow()
  })

  it('stall: the stream stops and stays open until the client leaves', async () => {
    await control('POST', 'stream-faults', { kind: 'stall', afterChunks: 1 })
    const abort = new AbortController()
    const res = await streamRequest(abort.signal)
    const reader = res.body!.getReader()
    let seen = ''
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        seen += new TextDecoder().decode(value)
      }
    })()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(seen).toContain('alpha')
    expect(seen).not.toContain('beta')
    abort.abort()
    await expect(read).rejects.toThrow()
  })

  it('chunkChars and chunkDelayMs shape the stream', async () => {
    await control('PUT', 'streaming', { chunkChars: 5, chunkDelayMs: 20 })
    const started = Date.now()
    const text = await (await streamRequest()).text()
    expect(text).toContain('"content":"alpha"')
    expect(text).toContain('"content":" beta"')
    expect(Date.now() - started).toBeGreaterThanOrEqual(80)
    await control('PUT', 'streaming', { chunkChars: 0, chunkDelayMs: 0 })
  })
})

describe('records and keys over HTTP', () => {
  it('lists and clears requests; replaces keys and models', async () => {
    await control('DELETE', 'requests')
    await streamRequest().then((r) => r.text())
    const list = (await (await control('GET', 'requests')).json()) as Array<Record<string, unknown>>
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ status: 200, path: '/v1/chat/completions' })
    await control('PUT', 'api-keys', { keys: ['sk-rotated-1111'] })
    expect((await streamRequest()).status).toBe(401)
    await control('PUT', 'api-keys', { keys: [DEFAULT_API_KEY] })
    await control('PUT', 'models', { models: ['my-model'] })
    expect((await streamRequest()).status).toBe(404)
    await control('PUT', 'models', { models: ['gpt-4o-mini'] })
  })
})

describe('a client that gave up during injected latency', () => {
  it('ends that request there: it takes no stream fault meant for a later request', async () => {
    await control('POST', 'faults', { route: 'openai.chat.completions', latencyMs: 300 })
    await expect(streamRequest(AbortSignal.timeout(50))).rejects.toThrow()
    await control('POST', 'stream-faults', { kind: 'end-early', afterChunks: 0 })
    await new Promise((resolve) => setTimeout(resolve, 400))
    const text = await (await streamRequest()).text()
    expect(text).not.toContain('[DONE]')
    const statuses = (
      (await (await control('GET', 'requests')).json()) as Array<{ status: number }>
    ).map((r) => r.status)
    expect(statuses).toEqual([499, 200])
  })
})
