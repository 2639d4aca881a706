import { RemoteAuthError, RemoteRejectedError, RemoteUnavailableError } from '../../core/errors.ts'
import type { Responder, ResponderFinish, ResponderTurn } from '../../core/ports/responder.ts'
import { streamingResponder } from '../shared/remote-reply.ts'
import { type ResponderDeps, responderSecret } from '../shared/responder-deps.ts'
import { sseEvents } from '../shared/sse.ts'
import {
  type HttpStream,
  openStream,
  parseJsonOr,
  readByMediaType,
  readText,
} from '../shared/stream-request.ts'
import { errorFromStreamEvent, quotaExhausted, rateLimitWaitMs } from './errors.ts'
import type { OpenAiResponderSettings } from './settings.ts'
import { apiError, chatChunk, chatCompletion, chatRequest } from './wire.ts'

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024
const MAX_LINE_CHARS = 256 * 1024

/** A Responder over an OpenAI-compatible `POST {baseUrl}/chat/completions` with `stream: true`. */
export function createOpenAiResponder(
  settings: OpenAiResponderSettings,
  deps: ResponderDeps,
): Responder {
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/chat/completions`
  const host = new URL(url).host
  const options = {
    responder: 'openai-compatible',
    host,
    totalMs: settings.timeouts.totalMs,
    reclassify: quotaExhausted,
  } as const
  return streamingResponder(options, open, readAnswer)

  async function open(turn: ResponderTurn, signal: AbortSignal): Promise<HttpStream> {
    const body = JSON.stringify(chatRequest(settings, turn))
    const send = async (reload: boolean) =>
      openStream(deps, {
        method: 'POST',
        url,
        headers: await headers(reload),
        body,
        timeoutMs: settings.timeouts.responseMs,
        idleTimeoutMs: settings.timeouts.idleMs,
        maxResponseBytes: MAX_RESPONSE_BYTES,
        signal,
        // A completion changes nothing remotely: replaying it after a 5xx is safe.
        idempotent: true,
        retryHintMs: rateLimitWaitMs,
      })
    try {
      return await send(false)
    } catch (error) {
      // A rotated key: read the secret again once (docs/architecture.md, "Auth" failures).
      if (!(error instanceof RemoteAuthError) || !settings.apiKeySecretName) throw error
      return send(true)
    }
  }

  async function headers(reload: boolean): Promise<Record<string, string>> {
    const key = settings.apiKeySecretName
      ? await responderSecret(deps.secrets, settings.apiKeySecretName, 'apiKeySecretName', reload)
      : undefined
    return {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    }
  }
}

async function* readAnswer(
  stream: HttpStream,
  host: string,
): AsyncGenerator<string, ResponderFinish> {
  return yield* readByMediaType(
    stream,
    host,
    { 'text/event-stream': readEvents, 'application/json': readWhole },
    unreadable,
  )
}

/** `data:` events of `chat.completion.chunk` objects up to `data: [DONE]`. */
async function* readEvents(
  stream: HttpStream,
  host: string,
): AsyncGenerator<string, ResponderFinish> {
  let finish: string | undefined
  for await (const event of sseEvents(stream.body, MAX_LINE_CHARS)) {
    if (event.data === '[DONE]') return finishOf(finish)
    const json = parseJsonOr(event.data, () => unreadable(host, 'json'))
    const failure = apiError.safeParse((json as { error?: unknown } | undefined)?.error)
    if (failure.success) throw errorFromStreamEvent(failure.data, host)
    const chunk = chatChunk.safeParse(json)
    if (!chunk.success) throw unreadable(host, 'chunk')
    const choice = chunk.data.choices.find((c) => (c.index ?? 0) === 0)
    const delta = choice?.delta?.content ?? choice?.delta?.refusal
    if (delta) yield delta
    if (choice?.finish_reason) finish = choice.finish_reason
  }
  // Some servers end the stream after the last chunk without `[DONE]`.
  if (finish !== undefined) return finishOf(finish)
  throw new RemoteUnavailableError(`${host}: the stream ended before the answer was complete`, {
    details: { host, midStream: true },
  })
}

/** A server that ignored `stream: true` answers one `chat.completion`. */
async function* readWhole(
  stream: HttpStream,
  host: string,
): AsyncGenerator<string, ResponderFinish> {
  const json = parseJsonOr(await readText(stream), () => unreadable(host, 'json'))
  const completion = chatCompletion.safeParse(json)
  if (!completion.success) throw unreadable(host, 'completion')
  const [choice] = completion.data.choices
  const text = choice!.message.content ?? choice!.message.refusal ?? ''
  if (text) yield text
  return finishOf(choice!.finish_reason ?? 'stop')
}

function finishOf(reason: string | undefined): ResponderFinish {
  if (reason === 'length') return 'length'
  if (reason === 'content_filter') return 'filtered'
  return 'stop'
}

const unreadable = (host: string, reason: string) =>
  new RemoteRejectedError(`${host}: the answer is not an OpenAI chat completion`, {
    details: { host, reason: `malformed-${reason}` },
  })
