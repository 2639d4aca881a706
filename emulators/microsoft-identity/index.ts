import { EmulatorClock } from '../kit/clock.ts'
import { FaultInjector } from '../kit/faults.ts'
import { createEmulatorApp, listen } from '../kit/server.ts'
import { registerAuthorizeRoute } from './authorize-route.ts'
import { createIdentityControl, type IdentityControl, registerControlRoutes } from './control.ts'
import { Directory, type IdentityApp, type IdentityUser } from './directory.ts'
import { GrantStore } from './grant-store.ts'
import { KeyRing } from './key-ring.ts'
import { registerMetadataRoutes } from './metadata-routes.ts'
import { TokenIssuer, type VerifiedAccessToken } from './token-issuer.ts'
import { registerTokenRoute } from './token-route.ts'

export type { IdentityControl, KeySet } from './control.ts'
export { BOTFRAMEWORK_TENANT_ID, type IdentityApp, type IdentityUser } from './directory.ts'
export { BOTFRAMEWORK_RESOURCE, GRAPH_RESOURCE } from './resources.ts'

export interface IdentityEmulator {
  /** `https://127.0.0.1:port` (HTTPS with `emulatorTls()`: MSAL refuses http authorities). */
  readonly url: string
  readonly control: IdentityControl
  /** Verifies an access token this emulator issued. Throws on bad/expired/wrong audience. */
  verifyAccessToken(token: string, expectedAudience: string): Promise<VerifiedAccessToken>
  /**
   * Signs a JWT (RS256) with the current key. `keySet: 'botframework'` signs with the Bot
   * Framework channel key (published at `/botframework/v1/.well-known/keys`); the default is the
   * Entra key (`/{tenant}/discovery/v2.0/keys`). `iat`/`nbf`/`exp` are added unless given.
   */
  signJwt(
    claims: Record<string, unknown>,
    opts?: { expiresInSeconds?: number; keySet?: 'entra' | 'botframework' },
  ): Promise<string>
  close(): Promise<void>
}

/** Starts the Microsoft identity (Entra v2 + Bot Framework channel keys) emulator. */
export async function startIdentityEmulator(
  opts: {
    port?: number
    clock?: EmulatorClock
    apps?: IdentityApp[]
    users?: IdentityUser[]
  } = {},
): Promise<IdentityEmulator> {
  const clock = opts.clock ?? new EmulatorClock()
  const faults = new FaultInjector()
  const directory = new Directory()
  for (const app of opts.apps ?? []) directory.addApp(app)
  for (const user of opts.users ?? []) directory.addUser(user)
  const keys = {
    entra: await KeyRing.create(),
    // Bot Framework's channel keys are endorsed for the channels they may sign for.
    botframework: await KeyRing.create(['msteams']),
  }
  let url = ''
  const baseUrl = () => url
  const issuer = new TokenIssuer(keys.entra, clock, baseUrl)
  const grants = new GrantStore(clock)
  const signedIn: { userId: string | undefined } = { userId: undefined }
  const control = createIdentityControl(
    { directory, grants, issuer, keys, faults, clock },
    signedIn,
  )

  const app = createEmulatorApp({ https: true })
  registerTokenRoute(app, { directory, grants, issuer, faults, clock })
  registerAuthorizeRoute(app, {
    directory,
    grants,
    faults,
    clock,
    signedInUser: () => (signedIn.userId ? directory.users.get(signedIn.userId) : undefined),
  })
  registerMetadataRoutes(app, {
    directory,
    entraKeys: keys.entra,
    botFrameworkKeys: keys.botframework,
    faults,
    clock,
    baseUrl,
  })
  registerControlRoutes(app, control)
  const listening = await listen(app, opts.port ?? 0)
  url = listening.url

  return {
    url,
    control,
    verifyAccessToken: (token, audience) => issuer.verify(token, audience),
    signJwt: (claims, signOpts) => {
      const now = clock.nowSeconds()
      const lifetime = signOpts?.expiresInSeconds ?? 3600
      return keys[signOpts?.keySet ?? 'entra'].sign({
        iat: now,
        nbf: now,
        exp: now + lifetime,
        ...claims,
      })
    },
    close: () => listening.close(),
  }
}
