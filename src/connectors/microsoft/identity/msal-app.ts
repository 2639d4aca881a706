import { AuthError, ConfidentialClientApplication, LogLevel } from '@azure/msal-node'

import { ConfigError, RemoteAuthError } from '../../../core/errors.ts'
import type { Logger } from '../../../core/ports/logger.ts'
import type { MsalNetwork } from './msal-network.ts'

export interface MsalAppOptions {
  readonly authorityHost: string
  readonly tenant: string
  readonly clientId: string
  readonly clientSecret: string
  readonly network: MsalNetwork
  readonly log: Logger
}

/**
 * A confidential client for `{authorityHost}/{tenant}`.
 *
 * How MSAL 7 treats a non-Microsoft authority (checked in msal-common 16 `Authority.ts`):
 * - the authority must be https (`authority_uri_insecure` otherwise), hence the emulator's TLS;
 * - with the host in `knownAuthorities` MSAL skips instance discovery (no call to
 *   login.microsoftonline.com/common/discovery/instance) and builds the cloud metadata itself;
 * - it then GETs `{authority}/v2.0/.well-known/openid-configuration` through our network client
 *   (for login.microsoftonline.com it uses built-in metadata instead) and validates that the
 *   document's `issuer` has the authority's origin or a known-authority host.
 */
export function createMsalApp(options: MsalAppOptions): ConfidentialClientApplication {
  const host = new URL(options.authorityHost)
  if (host.protocol !== 'https:') {
    throw new ConfigError('authorityHost', 'must be an https URL (MSAL refuses plain http)')
  }
  const log = options.log
  return new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      authority: `${host.origin}/${options.tenant}`,
      knownAuthorities: [host.host],
    },
    system: {
      networkClient: options.network,
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message) => {
          if (level <= LogLevel.Error) log.warn({ msal: message }, 'msal reported an error')
        },
      },
    },
  })
}

/** Maps an MSAL failure that did not come from our HttpClient to a BridgeError. */
export function msalFailure(error: unknown): Error {
  if (error instanceof AuthError) {
    if (error.name === 'ClientConfigurationError') {
      return new ConfigError('authorityHost', `identity configuration refused: ${error.errorCode}`)
    }
    return new RemoteAuthError(`token request failed: ${error.errorCode}`, { cause: error })
  }
  return error instanceof Error ? error : new Error(String(error))
}
