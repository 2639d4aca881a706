import { Agent, request } from 'undici'

import type { HttpClient, HttpRequest, HttpResponse } from '../../src/connectors/shared/http.ts'
import {
  RemoteAuthError,
  RemoteRejectedError,
  RemoteUnavailableError,
} from '../../src/core/errors.ts'

/**
 * A minimal HttpClient for identity tests written before the shared client existed: TLS with
 * an extra CA, the error classes of the contract, one auth refresh on 401. No retries.
 */
export function testHttpClient(ca: Buffer): HttpClient & { calls: HttpRequest[] } {
  const dispatcher = new Agent({ connect: { ca } })
  const calls: HttpRequest[] = []
  const once = async (req: HttpRequest): Promise<HttpResponse> => {
    const headers: Record<string, string> = { ...req.headers }
    let body: string | Uint8Array | undefined = req.body
    if (req.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(req.form).toString()
    } else if (req.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(req.json)
    }
    if (req.auth) headers.authorization = await req.auth.header()
    const res = await request(req.url, { method: req.method, headers, body, dispatcher })
    const buf = Buffer.from(await res.body.arrayBuffer())
    const flat: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') flat[k] = v
    return {
      status: res.statusCode,
      headers: flat,
      body: buf,
      text: () => buf.toString('utf8'),
      json: <T>() => JSON.parse(buf.toString('utf8')) as T,
    }
  }
  const classify = (res: HttpResponse): HttpResponse => {
    if (res.status < 400) return res
    if (res.status === 429 || res.status >= 500) {
      const retryAfter = Number(res.headers['retry-after'])
      throw new RemoteUnavailableError('remote unavailable', {
        status: res.status,
        retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
      })
    }
    if (res.status === 401 || res.status === 403)
      throw new RemoteAuthError('remote refused credentials', { status: res.status })
    throw new RemoteRejectedError('remote rejected', { status: res.status })
  }
  return {
    calls,
    async request(req) {
      calls.push(req)
      const res = await once(req)
      if (res.status === 401 && req.auth) {
        await req.auth.refresh()
        return classify(await once(req))
      }
      return classify(res)
    },
  }
}
