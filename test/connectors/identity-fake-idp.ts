import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'

import { emulatorTls } from '../../emulators/kit/server.ts'

export interface FakeIdp {
  url: string
  readonly tokenRequests: URLSearchParams[]
  /** Status answered by the next token requests (then 200 again). */
  failNext(status: number, body: unknown, headers?: Record<string, string>): void
  secret: string
  expiresIn: number
  close(): Promise<void>
}

/** An HTTPS identity provider with just the two routes MSAL calls for client credentials. */
export async function startFakeIdp(): Promise<FakeIdp> {
  const failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = []
  let issued = 0
  const idp: FakeIdp = {
    url: '',
    tokenRequests: [],
    failNext: (status, body, headers = {}) => failures.push({ status, body, headers }),
    secret: 's3cret',
    expiresIn: 3600,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  const server = createServer(emulatorTls(), (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers })
        res.end(JSON.stringify(body))
      }
      const path = new URL(req.url ?? '/', idp.url).pathname
      const meta = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path)
      if (req.method === 'GET' && meta) {
        const base = `${idp.url}/${meta[1]}`
        return send(200, {
          issuer: `${base}/v2.0`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          token_endpoint: `${base}/oauth2/v2.0/token`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
        })
      }
      if (req.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
        idp.tokenRequests.push(form)
        const failure = failures.shift()
        if (failure) return send(failure.status, failure.body, failure.headers)
        if (form.get('client_secret') !== idp.secret)
          return send(401, { error: 'invalid_client', error_description: 'AADSTS7000215' })
        return send(200, {
          token_type: 'Bearer',
          expires_in: idp.expiresIn,
          ext_expires_in: idp.expiresIn,
          access_token: `token-${++issued}`,
        })
      }
      send(404, { error: 'not_found' })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  idp.url = `https://127.0.0.1:${port}`
  return idp
}
