import { describe, expect, it } from 'vitest'

import { RemoteAuthError, RemoteRejectedError } from '../../../core/errors.ts'
import type { Logger } from '../../../core/ports/logger.ts'
import type { HttpClient, HttpRequest, HttpResponse } from '../../shared/http.ts'
import { createGenesysTokenSource } from './token.ts'

const silent: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silent,
}

/** A login host in a function: checks Basic auth and the grant, mints numbered tokens. */
function loginHost(options: { secret: () => string; expiresIn?: number }) {
  const seen: HttpRequest[] = []
  let issued = 0
  const reply = (status: number, body: unknown): HttpResponse => {
    const buf = Buffer.from(JSON.stringify(body))
    return { status, headers: {}, body: buf, text: () => buf.toString(), json: <T>() => body as T }
  }
  const http: HttpClient = {
    async request(req) {
      seen.push(req)
      const expected = `Basic ${Buffer.from(`client-1:${options.secret()}`).toString('base64')}`
      if (req.url !== 'https://login.mypurecloud.ie/oauth/token' || req.method !== 'POST') {
        return reply(404, {})
      }
      if (
        req.headers?.authorization !== expected ||
        req.form?.grant_type !== 'client_credentials'
      ) {
        // What the shared client makes of 400 {"error":"invalid_client"}.
        throw new RemoteRejectedError('request refused (400)', {
          status: 400,
          details: { status: 400, remoteCode: 'invalid_client' },
        })
      }
      issued += 1
      return reply(200, {
        access_token: `token-${issued}`,
        token_type: 'bearer',
        expires_in: options.expiresIn ?? 86399,
      })
    },
  }
  return { http, seen, issued: () => issued }
}

function setup(expiresIn?: number) {
  let stored = 'secret-v1'
  let current = 'secret-v1'
  const host = loginHost({ secret: () => current, ...(expiresIn && { expiresIn }) })
  let nowMs = 1_000_000
  const secrets = {
    reads: 0,
    reloads: 0,
    async get() {
      this.reads += 1
      return stored
    },
    async reload() {
      this.reloads += 1
      return stored
    },
  }
  const clock = { nowMs: () => nowMs, now: () => new Date(nowMs), sleep: async () => {} }
  const source = createGenesysTokenSource(
    { loginBaseUrl: 'https://login.mypurecloud.ie/', clientId: 'client-1', clientSecretName: 'gc' },
    { http: host.http, clock, secrets, log: silent },
  )
  return {
    source,
    host,
    secrets,
    advance: (ms: number) => (nowMs += ms),
    rotate: (secret: string) => {
      stored = secret
      current = secret
    },
    rotateRemoteOnly: (secret: string) => (current = secret),
  }
}

describe('createGenesysTokenSource', () => {
  it('posts the client-credentials grant with Basic auth and returns a Bearer header', async () => {
    const { source, host } = setup()
    expect(await source.header()).toBe('Bearer token-1')
    expect(host.seen[0]).toMatchObject({
      method: 'POST',
      url: 'https://login.mypurecloud.ie/oauth/token',
      form: { grant_type: 'client_credentials' },
      idempotent: true,
    })
  })

  it('caches the token until five minutes before it expires', async () => {
    const { source, host, advance } = setup(86399)
    await source.token()
    advance((86399 - 301) * 1000)
    expect(await source.token()).toBe('token-1')
    advance(2000)
    expect(await source.token()).toBe('token-2')
    expect(host.issued()).toBe(2)
  })

  it('renews a short-lived token halfway through', async () => {
    const { source, advance } = setup(300)
    await source.token()
    advance(149_000)
    expect(await source.token()).toBe('token-1')
    advance(2000)
    expect(await source.token()).toBe('token-2')
  })

  it('asks once when many callers want a token at the same time', async () => {
    const { source, host } = setup()
    const tokens = await Promise.all([source.token(), source.token(), source.token()])
    expect(tokens).toEqual(['token-1', 'token-1', 'token-1'])
    expect(host.issued()).toBe(1)
  })

  it('refresh re-reads the secret and fetches a new token', async () => {
    const { source, secrets, rotate } = setup()
    await source.token()
    rotate('secret-v2')
    await source.refresh()
    expect(secrets.reloads).toBe(1)
    expect(await source.token()).toBe('token-2')
  })

  it('re-reads the secret once when the login host refuses the cached one', async () => {
    const { source, secrets, rotate, advance } = setup(300)
    await source.token()
    rotate('secret-v2')
    advance(300_000)
    expect(await source.token()).toBe('token-2')
    expect(secrets.reloads).toBe(1)
  })

  it('gives up with RemoteAuthError when the reloaded secret is refused too', async () => {
    const { source, rotateRemoteOnly } = setup()
    rotateRemoteOnly('secret-nobody-has')
    await expect(source.token()).rejects.toThrow(RemoteAuthError)
  })

  it('does not remember a secret read that failed', async () => {
    const { source, secrets } = setup()
    const get = secrets.get.bind(secrets)
    let fail = true
    secrets.get = async () => {
      if (fail) throw new Error('vault unreachable')
      return get()
    }
    await expect(source.token()).rejects.toThrow('vault unreachable')
    fail = false
    expect(await source.token()).toBe('token-1')
  })
})
