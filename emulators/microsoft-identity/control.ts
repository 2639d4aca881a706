import type { FastifyInstance } from 'fastify'
import type { JWK } from 'jose'

import type { EmulatorClock } from '../kit/clock.ts'
import type { Fault, FaultInjector } from '../kit/faults.ts'
import { jsonBody } from '../kit/server.ts'
import type { Directory, IdentityApp, IdentityUser } from './directory.ts'
import type { GrantStore } from './grant-store.ts'
import type { KeyRing } from './key-ring.ts'
import type { TokenIssuer } from './token-issuer.ts'

export type KeySet = 'entra' | 'botframework'

/** What tests and sandbox mode change in the running emulator (also as HTTP under `/_emulator`). */
export interface IdentityControl {
  readonly faults: FaultInjector
  readonly clock: EmulatorClock
  addApp(app: IdentityApp): void
  addUser(user: IdentityUser): void
  /** A tenant by id, with verified domains usable in the authority path. */
  addTenant(tenantId: string, domains?: string[]): void
  addRedirectUri(appId: string, uri: string): void
  /** Admin-consented application permissions, issued as the `roles` claim for that audience. */
  grantAppRoles(appId: string, audience: string, roles: string[]): void
  /** New secret; the old one fails from now on with AADSTS7000215. Returns the new secret. */
  rotateSecret(appId: string, opts?: { expiresAt?: number }): string
  /** The current secret expires now (AADSTS7000222). */
  expireSecret(appId: string): void
  /** New signing key (returns its `kid`); old keys stay in the JWKS unless `dropOld`. */
  rotateSigningKeys(opts?: { keySet?: KeySet; dropOld?: boolean }): Promise<string>
  jwks(keySet?: KeySet): { keys: JWK[] }
  /** The user `/authorize` approves as when there is no `login_hint`; undefined = nobody. */
  signIn(userId: string | undefined): void
  revokeRefreshTokens(userId: string): number
  setTokenLifetime(seconds: number): void
  /** Access tokens issued so far (all grants). */
  issuedTokenCount(): number
}

export interface ControlDeps {
  readonly directory: Directory
  readonly grants: GrantStore
  readonly issuer: TokenIssuer
  readonly keys: Record<KeySet, KeyRing>
  readonly faults: FaultInjector
  readonly clock: EmulatorClock
}

export function createIdentityControl(
  deps: ControlDeps,
  signedIn: { userId: string | undefined },
): IdentityControl {
  const { directory } = deps
  const app = (appId: string) => {
    const found = directory.apps.get(appId)
    if (!found) throw new Error(`unknown app ${appId}`)
    return found
  }
  return {
    faults: deps.faults,
    clock: deps.clock,
    addApp: (a) => directory.addApp(a),
    addUser: (u) => directory.addUser(u),
    addTenant: (id, domains) => directory.addTenant(id, domains),
    addRedirectUri: (appId, uri) => void app(appId).redirectUris?.push(uri),
    grantAppRoles: (appId, audience, roles) => {
      const a = app(appId)
      a.appRoles = { ...a.appRoles, [audience]: [...roles] }
    },
    rotateSecret: (appId, opts) => directory.rotateSecret(appId, opts?.expiresAt),
    expireSecret: (appId) => directory.expireSecret(appId, deps.clock.nowMs()),
    rotateSigningKeys: (opts) =>
      deps.keys[opts?.keySet ?? 'entra'].rotate({ dropOld: opts?.dropOld ?? false }),
    jwks: (keySet) => deps.keys[keySet ?? 'entra'].jwks(),
    signIn: (userId) => {
      if (userId !== undefined && !directory.users.has(userId))
        throw new Error(`unknown user ${userId}`)
      signedIn.userId = userId
    },
    revokeRefreshTokens: (userId) => deps.grants.revokeUser(userId),
    setTokenLifetime: (seconds) => {
      deps.issuer.lifetimeSeconds = seconds
    },
    issuedTokenCount: () => deps.issuer.issuedCount,
  }
}

type Body = Record<string, unknown>

/** The same verbs over HTTP, under `/_emulator/` (documented in emulators/README.md). */
export function registerControlRoutes(app: FastifyInstance, control: IdentityControl): void {
  const body = (req: { body: unknown }) => (jsonBody(req as never) ?? {}) as Body
  const param = (req: { params: unknown }, name: string) =>
    (req.params as Record<string, string>)[name]!
  app.setErrorHandler((err, req, reply) => {
    const message = err instanceof Error ? err.message : String(err)
    if (req.url.startsWith('/_emulator/'))
      return reply.code(400).send({ error: 'control_error', message })
    return reply.code(500).send({ error: 'server_error', error_description: message })
  })
  app.post('/_emulator/apps', async (req, reply) => {
    control.addApp(body(req) as unknown as IdentityApp)
    return reply.code(201).send({})
  })
  app.post('/_emulator/users', async (req, reply) => {
    control.addUser(body(req) as unknown as IdentityUser)
    return reply.code(201).send({})
  })
  app.post('/_emulator/tenants', async (req, reply) => {
    const b = body(req)
    control.addTenant(String(b['tenantId']), (b['domains'] as string[] | undefined) ?? [])
    return reply.code(201).send({})
  })
  app.post('/_emulator/apps/:appId/redirect-uris', async (req) => {
    control.addRedirectUri(param(req, 'appId'), String(body(req)['uri']))
    return {}
  })
  app.post('/_emulator/apps/:appId/roles', async (req) => {
    const b = body(req)
    control.grantAppRoles(param(req, 'appId'), String(b['audience']), b['roles'] as string[])
    return {}
  })
  app.post('/_emulator/apps/:appId/secret/rotate', async (req) => {
    const expiresAt = body(req)['expiresAt']
    const opts = typeof expiresAt === 'number' ? { expiresAt } : undefined
    return { secret: control.rotateSecret(param(req, 'appId'), opts) }
  })
  app.post('/_emulator/apps/:appId/secret/expire', async (req) => {
    control.expireSecret(param(req, 'appId'))
    return {}
  })
  app.post('/_emulator/keys/rotate', async (req) => {
    const b = body(req)
    const kid = await control.rotateSigningKeys({
      keySet: b['keySet'] === 'botframework' ? 'botframework' : 'entra',
      dropOld: b['dropOld'] === true,
    })
    return { kid }
  })
  app.post('/_emulator/sign-in', async (req) => {
    const userId = body(req)['userId']
    control.signIn(typeof userId === 'string' ? userId : undefined)
    return {}
  })
  app.post('/_emulator/users/:userId/revoke', async (req) => ({
    revoked: control.revokeRefreshTokens(param(req, 'userId')),
  }))
  app.put('/_emulator/token-lifetime', async (req) => {
    control.setTokenLifetime(Number(body(req)['seconds']))
    return {}
  })
  app.post('/_emulator/faults', async (req, reply) => {
    control.faults.add(body(req) as unknown as Fault)
    return reply.code(201).send({})
  })
  app.delete('/_emulator/faults', async () => {
    control.faults.clear()
    return {}
  })
  app.post('/_emulator/clock/advance', async (req) => {
    control.clock.advance(Number(body(req)['ms']))
    return { now: control.clock.now().toISOString() }
  })
  app.get('/_emulator/stats', async () => ({ issuedTokens: control.issuedTokenCount() }))
}
