import { RemoteRejectedError, RemoteUnavailableError } from '../../core/errors.ts'
import type { Responder, ResponderFinish, ResponderTurn } from '../../core/ports/responder.ts'
import { streamingResponder } from '../shared/remote-reply.ts'
import { type ResponderDeps, responderSecret } from '../shared/responder-deps.ts'
import {
  type HttpStream,
  openStream,
  parseJsonOr,
  readByMediaType,
  readText,
} from '../shared/stream-request.ts'
import { textLines } from '../shared/text-lines.ts'
import type { WebhookResponderSettings } from './settings.ts'
import { SIGNATURE_HEADER, signatureHeader, TIMESTAMP_HEADER, TURN_ID_HEADER } from './signature.ts'
import { answerLine, jsonAnswer, turnBody } from './wire.ts'

const MAX_RESPONSE_BYTES = 1024 * 1024
const MAX_LINE_CHARS = 64 * 1024
const SAFE_TOKEN = /^[\w.:/-]{1,100}$/

/** A Responder that POSTs each turn, signed, to a URL the customer runs (docs/responders.md). */
export function createWebhookResponder(
  settings: WebhookResponderSettings,
  deps: ResponderDeps,
): Responder {
  const host = new URL(settings.url).host
  const options = { responder: 'webhook', host, totalMs: settings.timeouts.totalMs } as const
  return streamingResponder(options, post, readAnswer)

  async function post(turn: ResponderTurn, signal: AbortSignal): Promise<HttpStream> {
    const now = deps.clock.now()
    const body = JSON.stringify(turnBody(turn, settings.historyMessages, now))
    const timestamp = Math.floor(now.getTime() / 1000)
    return openStream(deps, {
      method: 'POST',
      url: settings.url,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, application/x-ndjson',
        [TURN_ID_HEADER]: turn.turnId,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signatureHeader(await signingSecrets(), timestamp, body),
      },
      body,
      timeoutMs: settings.timeouts.responseMs,
      idleTimeoutMs: settings.timeouts.idleMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      signal,
      // The customer's service may act on a turn; it deduplicates on the turn id, we do not replay.
      idempotent: false,
    })
  }

  async function signingSecrets(): Promise<string[]> {
    const current = await responderSecret(
      deps.secrets,
      settings.signingSecretName,
      'signingSecretName',
    )
    if (!settings.previousSigningSecretName) return [current]
    const previous = await responderSecret(
      deps.secrets,
      settings.previousSigningSecretName,
      'previousSigningSecretName',
    )
    return [current, previous]
  }
}

async function* readAnswer(
  stream: HttpStream,
  host: string,
): AsyncGenerator<string, ResponderFinish> {
  if (stream.status === 204) {
    await stream.close()
    return 'none'
  }
  return yield* readByMediaType(
    stream,
    host,
    { 'application/json': readJson, 'application/x-ndjson': readLines },
    unreadable,
  )
}

async function* readJson(
  stream: HttpStream,
  host: string,
): AsyncGenerator<string, ResponderFinish> {
  const text = await readText(stream)
  const answer = jsonAnswer.safeParse(parseJsonOr(text, () => unreadable(host, 'json')))
  if (!answer.success) throw unreadable(host, 'answer')
  if (!answer.data.text) return 'none'
  yield answer.data.text
  return 'stop'
}

/** `{"delta": "…"}` lines up to `{"done": true}`; `{"error": {…}}` fails the turn. */
async function* readLines(
  stream: HttpStream,
  host: string,
): AsyncGenerator<string, ResponderFinish> {
  let any = false
  for await (const line of textLines(stream.body, MAX_LINE_CHARS)) {
    if (line.trim() === '') continue
    const parsed = answerLine.safeParse(parseJsonOr(line, () => unreadable(host, 'json')))
    if (!parsed.success) throw unreadable(host, 'line')
    const item = parsed.data
    if ('delta' in item) {
      if (item.delta) any = true
      yield item.delta
    } else if ('done' in item) {
      await stream.close()
      return any ? 'stop' : 'none'
    } else {
      const code = item.error.code
      throw new RemoteUnavailableError(`${host}: the responder reported an error`, {
        details: {
          host,
          midStream: true,
          ...(code && SAFE_TOKEN.test(code) ? { remoteCode: code } : {}),
        },
      })
    }
  }
  throw new RemoteUnavailableError(`${host}: the answer ended without {"done": true}`, {
    details: { host, midStream: true },
  })
}

const unreadable = (host: string, reason: string) =>
  new RemoteRejectedError(`${host}: the responder's answer cannot be read`, {
    details: { host, reason: `malformed-${reason}` },
  })
