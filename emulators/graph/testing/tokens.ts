import { decodeJwt } from 'jose'

import type { EmulatorClock } from '../../kit/clock.ts'
import { emulatorFetch } from '../../kit/tls-fetch.ts'
import type { IdentityEmulator } from '../../microsoft-identity/index.ts'

export const GRAPH = 'https://graph.microsoft.com'
export const REDIRECT_URI = 'https://bridge.example/login'

/** Real tokens from the identity emulator: client credentials, and the auth-code flow for users. */
export class Tokens {
  readonly #idp: IdentityEmulator
  readonly #clock: EmulatorClock
  readonly #secrets: ReadonlyMap<string, { secret: string; tenantId: string }>
  readonly #cache = new Map<string, { token: string; expMs: number }>()

  constructor(
    idp: IdentityEmulator,
    clock: EmulatorClock,
    apps: ReadonlyArray<{ appId: string; secret: string; tenantId: string }>,
  ) {
    this.#idp = idp
    this.#clock = clock
    this.#secrets = new Map(apps.map((a) => [a.appId, a]))
  }

  /** An application token, cached until a minute before it expires on the shared clock. */
  async app(appId: string, scope = `${GRAPH}/.default`): Promise<string> {
    const key = `${appId}|${scope}`
    const cached = this.#cache.get(key)
    if (cached && cached.expMs - 60_000 > this.#clock.nowMs()) return cached.token
    const app = this.#app(appId)
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: appId,
      client_secret: app.secret,
      scope,
    })
    const token = await this.#token(app.tenantId, form)
    this.#cache.set(key, { token, expMs: (decodeJwt(token).exp ?? 0) * 1000 })
    return token
  }

  /** A delegated token of `upn` for `appId` (authorize with login_hint, then redeem the code). */
  async user(appId: string, upn: string, scopes = 'ChatMessage.Send Chat.Read'): Promise<string> {
    const app = this.#app(appId)
    const authorize = new URL(`${this.#idp.url}/${app.tenantId}/oauth2/v2.0/authorize`)
    const scope = scopes
      .split(' ')
      .map((s) => `${GRAPH}/${s}`)
      .join(' ')
    for (const [k, v] of Object.entries({
      client_id: appId,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope,
      login_hint: upn,
    }))
      authorize.searchParams.set(k, v)
    const redirect = await emulatorFetch(authorize, { redirect: 'manual' })
    const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code')
    if (!code) throw new Error(`no code: ${redirect.headers.get('location')}`)
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: appId,
      client_secret: app.secret,
      code,
      redirect_uri: REDIRECT_URI,
      scope,
    })
    return this.#token(app.tenantId, form)
  }

  async #token(tenantId: string, form: URLSearchParams): Promise<string> {
    const res = await emulatorFetch(`${this.#idp.url}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    })
    const body = (await res.json()) as { access_token?: string; error_description?: string }
    if (!body.access_token) throw new Error(`token request failed: ${body.error_description}`)
    return body.access_token
  }

  #app(appId: string) {
    const app = this.#secrets.get(appId)
    if (!app) throw new Error(`unknown app ${appId}`)
    return app
  }
}
