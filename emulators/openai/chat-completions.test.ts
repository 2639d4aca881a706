import { fetch, type Response } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { DEFAULT_API_KEY, type OpenAiEmulator, startOpenAiEmulator } from './index.ts'

let ai: OpenAiEmulator
beforeAll(async () => {
  ai = await startOpenAiEmulator()
})
afterAll(() => ai.close())
beforeEach(() => ai.control.reset())

const auth = { authorization: `Bearer ${DEFAULT_API_KEY}`, 'content-type': 'application/json' }
const post = (body: unknown, headers: Record<string, string> = auth) =>
  fetch(`${ai.baseUrl}/chat/completions`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] }

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null }
}
interface Completion {
  id: string
  choices: Array<{ message: { content: string }; finish_reason: string }>
}
interface Chunk {
  id: string
  object: string
  choices: Array<{ delta: { content?: string }; finish_reason: string | null }>
}
interface ModelList {
  object: string
  data: Array<{ id: string }>
}
const bodyOf = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T

/** The `data:` payloads of a text/event-stream body. */
const events = (text: string) =>
  text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length))

describe('POST /v1/chat/completions', () => {
  it('answers a chat.completion echoing the last user message', async () => {
    const res = await post(hello)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/)
    expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('9999')
    const body = await bodyOf<Completion>(res)
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'You said: Hello there', refusal: null },
          finish_reason: 'stop',
        },
      ],
      usage: { completion_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    })
    expect(body.id).toMatch(/^chatcmpl-/)
  })

  it('streams chat.completion.chunk events in order, then [DONE]', async () => {
    ai.control.setReply({ text: 'One two three' })
    const res = await post({ ...hello, stream: true, stream_options: { include_usage: true } })
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const data = events(await res.text())
    expect(data.at(-1)).toBe('[DONE]')
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as Chunk)
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1)
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true)
    expect(chunks[0]!.choices[0]).toMatchObject({
      delta: { role: 'assistant', content: '' },
      finish_reason: null,
    })
    const content = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? ''))
    expect(content.join('')).toBe('One two three')
    expect(content.filter(Boolean)).toEqual(['One', ' two', ' three'])
    const finish = chunks.at(-2)!
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' })
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { total_tokens: expect.any(Number) },
    })
    expect(chunks[1]).toHaveProperty('usage', null)
  })

  it('stops at max_tokens with finish_reason length', async () => {
    ai.control.setReply({ text: 'a b c d e' })
    const body = await bodyOf<Completion>(post({ ...hello, max_tokens: 2 }))
    expect(body.choices[0]).toMatchObject({ message: { content: 'a b' }, finish_reason: 'length' })
  })

  it('uses queued replies once, in order, before the persistent one', async () => {
    ai.control.setReply({ text: 'persistent' })
    ai.control.queueReply({ text: 'first' })
    ai.control.queueReply({ text: 'second', finishReason: 'content_filter' })
    const texts = []
    for (let i = 0; i < 3; i++) {
      const body = await bodyOf<Completion>(post(hello))
      texts.push([body.choices[0]!.message.content, body.choices[0]!.finish_reason])
    }
    expect(texts).toEqual([
      ['first', 'stop'],
      ['second', 'content_filter'],
      ['persistent', 'stop'],
    ])
  })

  it('records every request with its key and status', async () => {
    await post(hello)
    await post(hello, {
      authorization: 'Bearer sk-wrong-key-1234',
      'content-type': 'application/json',
    })
    expect(ai.control.requests().map((r) => [r.status, r.apiKey])).toEqual([
      [200, DEFAULT_API_KEY],
      [401, 'sk-wrong-key-1234'],
    ])
    expect(ai.control.requests()[0]!.body).toEqual(hello)
  })
})

describe('authentication', () => {
  it('401 without a key', async () => {
    const res = await post(hello, { 'content-type': 'application/json' })
    expect(res.status).toBe(401)
    expect((await bodyOf<ErrorBody>(res)).error).toMatchObject({
      type: 'invalid_request_error',
      code: null,
      message: expect.stringContaining("You didn't provide an API key"),
    })
  })

  it('401 invalid_api_key with the key masked', async () => {
    const res = await post(hello, { authorization: 'Bearer sk-wrong-key-1234' })
    expect(res.status).toBe(401)
    const { error } = await bodyOf<ErrorBody>(res)
    expect(error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      param: null,
    })
    expect(error.message).toContain('sk-**********1234')
    expect(error.message).not.toContain('wrong-key')
  })
})

describe('validation, as strict as the API', () => {
  const cases: Array<[string, unknown, number, string | null, string | null, string]> = [
    ['not JSON', '{"model":', 400, null, null, 'We could not parse the JSON body'],
    [
      'no model',
      { messages: hello.messages },
      400,
      null,
      null,
      'you must provide a model parameter',
    ],
    [
      'unknown model',
      { ...hello, model: 'gpt-9' },
      404,
      null,
      'model_not_found',
      'The model `gpt-9` does not exist',
    ],
    [
      'no messages',
      { model: 'gpt-4o-mini' },
      400,
      'messages',
      'missing_required_parameter',
      "Missing required parameter: 'messages'.",
    ],
    [
      'messages not an array',
      { ...hello, messages: 'hi' },
      400,
      'messages',
      'invalid_type',
      'expected an array of objects, but got a string',
    ],
    ['empty messages', { ...hello, messages: [] }, 400, 'messages', 'empty_array', 'empty array'],
    [
      'bad role',
      { ...hello, messages: [{ role: 'bot', content: 'x' }] },
      400,
      'messages[0].role',
      'invalid_value',
      "Invalid value: 'bot'.",
    ],
    [
      'no content',
      { ...hello, messages: [{ role: 'user' }] },
      400,
      'messages[0].content',
      'missing_required_parameter',
      "'messages[0].content'",
    ],
    [
      'content a number',
      { ...hello, messages: [{ role: 'user', content: 5 }] },
      400,
      'messages[0].content',
      'invalid_type',
      'but got an integer instead',
    ],
    [
      'bad part type',
      { ...hello, messages: [{ role: 'user', content: [{ type: 'video' }] }] },
      400,
      'messages[0].content[0].type',
      'invalid_value',
      "Invalid value: 'video'",
    ],
    [
      'image in a system message',
      {
        ...hello,
        messages: [
          {
            role: 'system',
            content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }],
          },
        ],
      },
      400,
      'messages[0].content[0].type',
      'invalid_value',
      'not supported',
    ],
    [
      'unknown message key',
      { ...hello, messages: [{ role: 'user', content: 'x', mood: 'happy' }] },
      400,
      'messages[0].mood',
      'unknown_parameter',
      "Unknown parameter: 'messages[0].mood'.",
    ],
    [
      'tool without tool_call_id',
      { ...hello, messages: [{ role: 'tool', content: 'x' }] },
      400,
      'messages[0].tool_call_id',
      'missing_required_parameter',
      'tool_call_id',
    ],
    [
      'unknown argument',
      { ...hello, temperatur: 1 },
      400,
      null,
      null,
      'Unrecognized request argument supplied: temperatur',
    ],
    [
      'stream not a boolean',
      { ...hello, stream: 'yes' },
      400,
      'stream',
      'invalid_type',
      'expected a boolean',
    ],
    [
      'stream_options without stream',
      { ...hello, stream_options: { include_usage: true } },
      400,
      'stream_options',
      null,
      "only allowed when 'stream' is enabled",
    ],
    [
      'temperature too high',
      { ...hello, temperature: 3 },
      400,
      'temperature',
      'decimal_above_max_value',
      'Expected a value <= 2, but got 3 instead.',
    ],
    [
      'max_tokens zero',
      { ...hello, max_tokens: 0 },
      400,
      'max_tokens',
      'integer_below_min_value',
      'Expected a value >= 1',
    ],
  ]
  it.each(cases)('%s', async (_name, body, status, param, code, message) => {
    const res = await post(body)
    expect(res.status).toBe(status)
    const { error } = await bodyOf<ErrorBody>(res)
    expect(error).toMatchObject({ type: 'invalid_request_error', param, code })
    expect(error.message).toContain(message)
  })

  it('accepts content parts, developer messages and assistant history', async () => {
    const res = await post({
      model: 'gpt-4o',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'assistant', content: 'Earlier answer' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is ' },
            { type: 'image_url', image_url: { url: 'https://files.example/cat.png' } },
            { type: 'text', text: 'this?' },
          ],
        },
      ],
      temperature: 0.2,
      user: 'abc',
    })
    expect(res.status).toBe(200)
    expect((await bodyOf<Completion>(res)).choices[0]!.message.content).toBe(
      'You said: What is this?',
    )
  })
})

describe('GET /v1/models', () => {
  it('lists the models and answers one, 404 for an unknown one', async () => {
    const list = await bodyOf<ModelList>(fetch(`${ai.baseUrl}/models`, { headers: auth }))
    expect(list.object).toBe('list')
    expect(list.data.map((m) => m.id)).toContain('gpt-4o-mini')
    expect(list.data[0]).toMatchObject({ object: 'model', owned_by: 'system' })
    const missing = await fetch(`${ai.baseUrl}/models/gpt-9`, { headers: auth })
    expect(missing.status).toBe(404)
    expect((await bodyOf<ErrorBody>(missing)).error.code).toBe('model_not_found')
    expect((await fetch(`${ai.baseUrl}/models`)).status).toBe(401)
  })
})
