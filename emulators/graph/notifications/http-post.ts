import { rootCertificates } from 'node:tls'

import { Agent, request } from 'undici'

import { emulatorTls } from '../../kit/server.ts'

export interface PostResult {
  /** Undefined when no answer arrived (refused, reset, timed out). */
  readonly status: number | undefined
  readonly contentType: string | undefined
  readonly text: string
  readonly latencyMs: number
  readonly error: string | undefined
}

// Subscribers in sandbox mode may serve HTTPS with the kit's test certificate: trust it next to
// the public roots. Nothing else is relaxed.
const agent = new Agent({
  connect: { ca: [...rootCertificates, emulatorTls().cert.toString('utf8')] },
})

/** One POST as Graph's publisher makes it: no retries here, a hard timeout, latency measured. */
export async function postToSubscriber(
  url: string,
  body: string,
  contentType: string,
  timeoutMs: number,
): Promise<PostResult> {
  const started = performance.now()
  try {
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': contentType },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    })
    const text = await response.body.text()
    const header = response.headers['content-type']
    return {
      status: response.statusCode,
      contentType: Array.isArray(header) ? header[0] : header,
      text,
      latencyMs: Math.round(performance.now() - started),
      error: undefined,
    }
  } catch (err) {
    const timedOut =
      err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
    return {
      status: undefined,
      contentType: undefined,
      text: '',
      latencyMs: Math.round(performance.now() - started),
      error: timedOut
        ? `no answer within ${timeoutMs} ms`
        : err instanceof Error
          ? err.message
          : String(err),
    }
  }
}
