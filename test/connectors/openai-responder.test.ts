import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import {
  DEFAULT_API_KEY,
  type OpenAiEmulator,
  startOpenAiEmulator,
} from '../../emulators/openai/index.ts'
import { createOpenAiResponder } from '../../src/connectors/openai/responder.ts'
import { openAiResponderSettings } from '../../src/connectors/openai/settings.ts'
import {
  ConfigError,
  RemoteAmbiguousError,
  RemoteAuthError,
  RemoteRejectedError,
  RemoteUnavailableError,
} from '../../src/core/errors.ts'
import { classifyResponderFailure } from '../../src/core/policies/responder-failure.ts'
import { drain, memorySecretSource, responderDeps, turn } from './responder-support.ts'

let ai: OpenAiEmulator
beforeAll(async () => {
  ai = await startOpenAiEmulator()
})
afterAll(() => ai.close())
beforeEach(() => ai.control.reset())

function responder(overrides: Record<string, unknown> = {}, key = DEFAULT_API_KEY) {
  const settings = openAiResponderSettings.parse({
    kind: 'openai-compatible',
    baseUrl: ai.baseUrl,
    model: 'gpt-4o-mini',
    systemPrompt: 'You are the Contoso support assistant.',
    apiKeySecretName: 'openai-key',
    ...overrides,
  })
  const secrets = memorySecretSource({ 'openai-key': key })
  const { deps, log, lines } = responderDeps(ai.url, secrets.source)
  return { responder: createOpenAiResponder(settings, deps), secrets, log, lines }
}

const ask = (r: ReturnType<typeof responder>, t = turn(), signal?: AbortSignal) =>
  drain(r.responder.respond(t, { log: r.log, ...(signal ? { signal } : {}) }))

describe('OpenAI-compatible responder against the emulator', () => {
  it('streams the deltas in order and ends with the whole text', async () => {
    ai.control.setReply({ text: 'Your order ships today.' })
    const { deltas, result } = await ask(responder())
    expect(deltas).toEqual(['Your', ' order', ' ships', ' today.'])
    expect(result).toEqual({ text: 'Your order ships today.', finish: 'stop' })
  })

  it('sends the system prompt, the latest history, the message and the key', async () => {
    const r = responder({ historyMessages: 2, temperature: 0.3, maxOutputTokens: 200 })
    await ask(
      r,
      turn({
        history: [
          { role: 'user', content: 'old question' },
          { role: 'assistant', content: 'old answer' },
          { role: 'user', content: 'recent question' },
        ],
        message: {
          text: 'See the invoice',
          sender: { id: '29:alex' },
          attachments: [{ name: 'invoice.pdf', mediaType: 'application/pdf', sizeBytes: 20480 }],
        },
      }),
    )
    const [seen] = ai.control.requests()
    expect(seen!.apiKey).toBe(DEFAULT_API_KEY)
    expect(seen!.body).toEqual({
      model: 'gpt-4o-mini',
      stream: true,
      temperature: 0.3,
      max_tokens: 200,
      messages: [
        { role: 'system', content: 'You are the Contoso support assistant.' },
        { role: 'assistant', content: 'old answer' },
        { role: 'user', content: 'recent question' },
        {
          role: 'user',
          content: 'See the invoice\n\n[The user attached: invoice.pdf (application/pdf, 20 KB)]',
        },
      ],
    })
  })

  it('sends linked images as image_url parts when asked to', async () => {
    const r = responder({ sendImages: true, systemPrompt: '' })
    const { result } = await ask(
      r,
      turn({
        message: {
          text: 'What is this?',
          sender: { id: '29:alex' },
          attachments: [
            { name: 'cat.png', mediaType: 'image/png', url: 'https://blobs.example/cat.png' },
          ],
        },
      }),
    )
    expect(result).toEqual({ text: 'You said: What is this?', finish: 'stop' })
    expect((ai.control.requests()[0]!.body as { messages: unknown }).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'https://blobs.example/cat.png' } },
        ],
      },
    ])
  })

  it('maps finish reasons: length and content_filter', async () => {
    ai.control.setReply({ text: 'one two three four' })
    expect((await ask(responder({ maxOutputTokens: 2 }))).result).toEqual({
      text: 'one two',
      finish: 'length',
    })
    ai.control.setReply({ text: 'partial', finishReason: 'content_filter' })
    expect((await ask(responder())).result).toEqual({ text: 'partial', finish: 'filtered' })
  })
})

describe('failures, classified', () => {
  it('401: the secret is read again once; a rotated key then works', async () => {
    const r = responder({}, 'sk-old-key-0000')
    const { error } = await ask(r)
    expect(error).toBeInstanceOf(RemoteAuthError)
    expect(r.secrets.counts.reloads).toBe(1)
    expect(classifyResponderFailure(error).kind).toBe('auth')

    r.secrets.stored.set('openai-key', DEFAULT_API_KEY)
    expect((await ask(r)).result).toMatchObject({ finish: 'stop' })
    expect(ai.control.requests().map((q) => q.status)).toEqual([401, 401, 401, 200])
  })

  it('429 with Retry-After: busy, retryAfterMs from the header', async () => {
    ai.control.addFault({ route: 'openai.chat.completions', status: 429, retryAfterSeconds: 20 })
    const { error } = await ask(responder())
    expect(error).toBeInstanceOf(RemoteUnavailableError)
    const failure = classifyResponderFailure(error)
    expect(failure).toMatchObject({ kind: 'busy', retryable: true, retryAfterMs: 20_000 })
    expect(failure.userText).toMatch(/try again in a minute/)
  })

  it('429 without Retry-After: the wait comes from x-ratelimit-reset-requests', async () => {
    ai.control.addFault({
      route: 'openai.chat.completions',
      status: 429,
      body: {
        error: {
          message: 'Rate limit',
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    })
    const { error } = await ask(responder())
    expect((error as RemoteUnavailableError).retryAfterMs).toBe(20_000)
  })

  it('429 insufficient_quota is permanent', async () => {
    ai.control.addFault({
      route: 'openai.chat.completions',
      status: 429,
      retryAfterSeconds: 30,
      body: {
        error: {
          message: 'You exceeded your current quota',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      },
    })
    const { error } = await ask(responder())
    expect(error).toBeInstanceOf(RemoteRejectedError)
    expect(classifyResponderFailure(error).kind).toBe('rejected')
  })

  it('a 5xx is retried once; two in a row are unavailable', async () => {
    ai.control.addFault({ route: 'openai.chat.completions', status: 500 })
    expect((await ask(responder())).result).toMatchObject({ finish: 'stop' })
    ai.control.addFault({ route: 'openai.chat.completions', status: 503, times: 2 })
    const { error } = await ask(responder())
    expect(error).toBeInstanceOf(RemoteUnavailableError)
    expect(classifyResponderFailure(error).kind).toBe('unavailable')
  })

  it('no headers within responseMs: timeout', async () => {
    ai.control.addFault({ route: 'openai.chat.completions', latencyMs: 1_000 })
    const { error } = await ask(responder({ timeouts: { responseMs: 150 } }))
    expect(error).toBeInstanceOf(RemoteAmbiguousError)
    expect(classifyResponderFailure(error).kind).toBe('timeout')
  })

  it('a stalled stream: the deltas so far, then a timeout', async () => {
    ai.control.setReply({ text: 'alpha beta gamma' })
    ai.control.addStreamFault({ kind: 'stall', afterChunks: 1 })
    const { deltas, error } = await ask(responder({ timeouts: { idleMs: 150 } }))
    expect(deltas).toEqual(['alpha'])
    expect(classifyResponderFailure(error).kind).toBe('timeout')
  })

  it('a slow answer past totalMs: timeout, the request aborted', async () => {
    ai.control.setReply({ text: 'a b c d e f g h' })
    ai.control.setStreaming({ chunkDelayMs: 60 })
    const { deltas, error } = await ask(responder({ timeouts: { totalMs: 200 } }))
    expect(deltas.length).toBeGreaterThan(0)
    expect(deltas.length).toBeLessThan(8)
    expect(error).toBeInstanceOf(RemoteAmbiguousError)
    expect((error as RemoteAmbiguousError).details).toMatchObject({ timedOut: true })
  })

  it('a connection cut mid-stream: transient, after the deltas that arrived', async () => {
    ai.control.setReply({ text: 'alpha beta gamma' })
    ai.control.addStreamFault({ kind: 'cut', afterChunks: 2 })
    const { deltas, error } = await ask(responder())
    expect(deltas).toEqual(['alpha', ' beta'])
    expect(error).toBeInstanceOf(RemoteUnavailableError)
    expect(classifyResponderFailure(error).logFields).toMatchObject({ midStream: true })
  })

  it('a stream that ends without finish_reason or [DONE]: transient', async () => {
    ai.control.addStreamFault({ kind: 'end-early', afterChunks: 1 })
    const { error } = await ask(responder())
    expect(error).toBeInstanceOf(RemoteUnavailableError)
  })

  it('malformed SSE data: rejected', async () => {
    ai.control.addStreamFault({ kind: 'malformed', afterChunks: 1 })
    const { error } = await ask(responder())
    expect(error).toBeInstanceOf(RemoteRejectedError)
    expect((error as RemoteRejectedError).details).toMatchObject({ reason: 'malformed-json' })
  })

  it('an error event mid-stream: classified by its type', async () => {
    ai.control.addStreamFault({ kind: 'error-event', afterChunks: 1 })
    expect((await ask(responder())).error).toBeInstanceOf(RemoteUnavailableError)
    ai.control.addStreamFault({
      kind: 'error-event',
      afterChunks: 1,
      error: { message: 'bad', type: 'invalid_request_error', param: null, code: 'invalid_value' },
    })
    expect((await ask(responder())).error).toBeInstanceOf(RemoteRejectedError)
  })

  it('an unknown model is rejected; a missing secret is a configuration error', async () => {
    expect(classifyResponderFailure((await ask(responder({ model: 'gpt-9' }))).error).kind).toBe(
      'rejected',
    )
    const { error } = await ask(responder({ apiKeySecretName: 'missing' }))
    expect(error).toBeInstanceOf(ConfigError)
    expect(classifyResponderFailure(error).kind).toBe('misconfigured')
  })

  it("the caller's abort ends the reply with its reason: cancelled", async () => {
    ai.control.setStreaming({ chunkDelayMs: 100 })
    const abort = new AbortController()
    const reason = new Error('conversation ended')
    setTimeout(() => abort.abort(reason), 150)
    const { error } = await ask(responder(), turn(), abort.signal)
    expect(error).toBe(reason)
    expect(classifyResponderFailure(error, abort.signal.aborted).kind).toBe('cancelled')
  })

  it('logs failures without the key, the text or the remote words', async () => {
    const r = responder({}, 'sk-leaky-secret-9999')
    await ask(r)
    ai.control.addFault({ route: 'openai.chat.completions', status: 429, retryAfterSeconds: 9 })
    await ask(responder())
    const logged = r.lines.join('\n')
    expect(logged).toContain('responder failed')
    expect(logged).toContain('"kind":"auth"')
    expect(logged).not.toMatch(/leaky|9999|order #1042|Incorrect API key/)
  })
})
