import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import type { EmulatorClock } from '../../kit/clock.ts'
import { rawBody } from '../../kit/server.ts'
import { lastUserText, limitPieces, piecesOf, tokensOf, usageOf } from '../answer.ts'
import { faultError, RequestError, sendOpenAiError } from '../errors.ts'
import type { OpenAiState } from '../state.ts'
import type { FinishReason } from '../types.ts'
import { type ChatRequest, validateChatRequest } from '../validate.ts'
import { authenticate } from './auth.ts'
import { rateLimitHeaders } from './rate-limit-headers.ts'
import { writeStream } from './stream-writer.ts'

export const CHAT_ROUTE = 'openai.chat.completions'

/** `POST /v1/chat/completions`, streaming and not (https://platform.openai.com/docs/api-reference/chat/create). */
export function registerChatCompletions(
  app: FastifyInstance,
  state: OpenAiState,
  clock: EmulatorClock,
): void {
  app.post('/v1/chat/completions', async (req, reply) => {
    const requestId = `req_${randomBytes(16).toString('hex')}`
    reply.header('x-request-id', requestId)
    const apiKey = bearer(req)
    const record = (status: number, body: unknown) =>
      state.requests.push({
        requestId,
        at: clock.now().toISOString(),
        method: 'POST',
        path: '/v1/chat/completions',
        apiKey,
        body,
        status,
      })
    const raw = rawBody(req).toString('utf8')
    const body = parseJson(raw)
    if (await injectedFault(state, reply, (status) => record(status, body ?? raw))) return reply
    if (!authenticate(state, apiKey, reply)) {
      record(401, body ?? raw)
      return reply
    }
    let request: ChatRequest
    try {
      request = validateChatRequest(body)
      if (!state.models.includes(request.model)) {
        throw new RequestError(
          `The model \`${request.model}\` does not exist or you do not have access to it.`,
          null,
          'model_not_found',
          404,
        )
      }
    } catch (error) {
      if (!(error instanceof RequestError)) throw error
      record(error.status, body ?? raw)
      return sendOpenAiError(reply, error.status, error)
    }
    record(200, body)
    for (const [name, value] of Object.entries(rateLimitHeaders(false))) reply.header(name, value)
    return answer(state, clock, request, reply)
  })
}

async function answer(
  state: OpenAiState,
  clock: EmulatorClock,
  request: ChatRequest,
  reply: FastifyReply,
) {
  const scripted = state.nextReply(lastUserText(request))
  const limited = limitPieces(
    piecesOf(scripted.text, state.streaming.chunkChars),
    request.maxTokens,
  )
  const finishReason: FinishReason = limited.truncated
    ? 'length'
    : (scripted.finishReason ?? 'stop')
  const text = limited.pieces.join('')
  const usage = usageOf(request, tokensOf(text))
  const common = {
    id: `chatcmpl-${randomBytes(15).toString('base64url')}`,
    created: clock.nowSeconds(),
    model: request.model,
    service_tier: 'default',
    system_fingerprint: 'fp_emulator',
  }
  const choices = Array.from({ length: request.n }, (_, index) => index)
  if (!request.stream) {
    return reply.type('application/json').send({
      ...common,
      object: 'chat.completion',
      choices: choices.map((index) => ({
        index,
        message: { role: 'assistant', content: text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: finishReason,
      })),
      usage,
    })
  }
  const chunk = (delta: object, finish: FinishReason | null, index: number) => ({
    ...common,
    object: 'chat.completion.chunk',
    choices: [{ index, delta, logprobs: null, finish_reason: finish }],
    ...(request.includeUsage ? { usage: null } : {}),
    ...(request.includeObfuscation ? { obfuscation: randomBytes(6).toString('base64url') } : {}),
  })
  const head = [
    ...choices.map((i) => chunk({ role: 'assistant', content: '', refusal: null }, null, i)),
    ...limited.pieces.flatMap((piece) => choices.map((i) => chunk({ content: piece }, null, i))),
  ]
  const tail = [
    ...choices.map((i) => chunk({}, finishReason, i)),
    ...(request.includeUsage
      ? [{ ...common, object: 'chat.completion.chunk', choices: [], usage }]
      : []),
  ]
  reply.hijack()
  reply.raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  })
  await writeStream(reply.raw, state, { head, tail }, state.takeStreamFault())
}

/** A status fault, a latency or a dropped connection injected for this route. */
async function injectedFault(
  state: OpenAiState,
  reply: FastifyReply,
  record: (status: number) => void,
): Promise<boolean> {
  const fault = state.faults.take(CHAT_ROUTE)
  if (!fault) return false
  if (fault.latencyMs) await sleep(fault.latencyMs)
  if (reply.raw.socket?.destroyed !== false) {
    // The client gave up while we waited: nothing more happens for this request (it must not
    // take a stream fault meant for a later one).
    record(499)
    return true
  }
  if (fault.drop) {
    record(0)
    reply.raw.socket?.destroy()
    return true
  }
  if (!fault.status) return false
  record(fault.status)
  if (fault.status === 429) {
    for (const [name, value] of Object.entries(rateLimitHeaders(true, fault.retryAfterSeconds))) {
      reply.header(name, value)
    }
  }
  if (fault.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(fault.retryAfterSeconds))
  const body = fault.body ?? { error: faultError(fault.status) }
  await reply.code(fault.status).type('application/json; charset=utf-8').send(body)
  return true
}

function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization
  if (typeof header !== 'string') return undefined
  const match = /^Bearer\s+(.+)$/i.exec(header.trim())
  return match ? match[1]!.trim() : undefined
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
