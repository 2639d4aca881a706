import {
  ConfigError,
  isBridgeError,
  NotFoundError,
  RemoteAmbiguousError,
  RemoteUnavailableError,
} from '../../../core/errors.ts'
import type { SetupResult } from '../../../core/model/integration.ts'
import type { Clock } from '../../../core/ports/clock.ts'
import type { Logger } from '../../../core/ports/logger.ts'
import type { SecretSource } from '../../../core/ports/secrets.ts'
import type { HttpClient } from '../../shared/http.ts'
import { createAppTokenProvider } from './app-token.ts'

export interface AppCredentials {
  readonly authorityHost: string
  /** A tenant id or domain; `botframework.com` for multi-tenant bots. */
  readonly tenant: string
  readonly clientId?: string
  readonly clientSecretName?: string
  /** One `.default` scope. */
  readonly scope: string
  /** The API fields a person edits for each credential, named in the result. */
  readonly fields: { readonly clientId: string; readonly secret: string; readonly tenant: string }
}

export interface CredentialCheckDeps {
  readonly http: HttpClient
  readonly secrets: SecretSource
  readonly clock: Clock
  readonly log: Logger
}

/**
 * Setup: asks the authority for a real client-credentials token with the stored credentials
 * and explains a refusal in terms a person can act on. AADSTS codes:
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export async function checkAppCredentials(
  credentials: AppCredentials,
  deps: CredentialCheckDeps,
): Promise<SetupResult> {
  const { fields } = credentials
  if (!credentials.clientId || !credentials.clientSecretName) {
    return {
      status: 'failed',
      problem: 'missing-credentials',
      field: credentials.clientId ? fields.secret : fields.clientId,
      reason: `Both ${fields.clientId} and ${fields.secret} are needed: set the app registration's application (client) id and a client secret of it.`,
    }
  }
  const tokens = createAppTokenProvider({
    authorityHost: credentials.authorityHost,
    tenant: credentials.tenant,
    clientId: credentials.clientId,
    clientSecretName: credentials.clientSecretName,
    scope: credentials.scope,
    secrets: deps.secrets,
    http: deps.http,
    clock: deps.clock,
    log: deps.log,
  })
  try {
    await tokens.getToken()
    return { status: 'ok' }
  } catch (error) {
    return explain(error, credentials)
  }
}

function explain(error: unknown, { fields, tenant }: AppCredentials): SetupResult {
  if (error instanceof NotFoundError) {
    return {
      status: 'failed',
      problem: 'missing-credentials',
      field: fields.secret,
      reason: `No value is stored for ${fields.secret}: set the client secret again.`,
    }
  }
  if (error instanceof ConfigError) {
    return {
      status: 'failed',
      problem: 'refused',
      reason: 'The identity authority is not usable (it must be an https URL).',
    }
  }
  if (error instanceof RemoteUnavailableError || error instanceof RemoteAmbiguousError) {
    return {
      status: 'failed',
      problem: 'unreachable',
      reason: 'The Microsoft identity service could not be reached; run Setup again later.',
    }
  }
  const details = isBridgeError(error) ? error.details : undefined
  const code = typeof details?.remoteSubCode === 'string' ? details.remoteSubCode : undefined
  const aadsts = code ? ` (AADSTS${code})` : ''
  switch (code) {
    case '7000215':
    case '7000218':
      return {
        status: 'failed',
        problem: 'wrong-secret',
        field: fields.secret,
        reason: `Microsoft refused the client secret${aadsts}: it is wrong or was replaced. Create a new client secret under Certificates & secrets of the app registration and set it as ${fields.secret}.`,
      }
    case '7000222':
      return {
        status: 'failed',
        problem: 'wrong-secret',
        field: fields.secret,
        reason: `The client secret has expired${aadsts}: create a new one under Certificates & secrets of the app registration and set it as ${fields.secret}.`,
      }
    case '90002':
    case '90023':
      return {
        status: 'failed',
        problem: 'wrong-tenant',
        field: fields.tenant,
        reason: `The tenant in ${fields.tenant} is not known to Microsoft${aadsts}: use the Directory (tenant) ID of the app registration${tenant === 'botframework.com' ? '' : ', or leave it empty for a multi-tenant bot'}.`,
      }
    case '700016':
      return {
        status: 'failed',
        problem: 'unknown-app',
        field: fields.clientId,
        reason: `No app with this ${fields.clientId} exists in the directory the token was asked from${aadsts}: check ${fields.clientId}, and that ${fields.tenant} is the app registration's own tenant (single-tenant apps) or empty (multi-tenant bots).`,
      }
  }
  if (error instanceof Error && 'status' in error && error.status === 401) {
    return {
      status: 'failed',
      problem: 'wrong-secret',
      field: fields.secret,
      reason: `Microsoft refused the credentials${aadsts}: check ${fields.clientId} and ${fields.secret}.`,
    }
  }
  const remoteCode = typeof details?.remoteCode === 'string' ? ` ${details.remoteCode}` : ''
  return {
    status: 'failed',
    problem: 'refused',
    reason: `Microsoft refused the token request${remoteCode}${aadsts}: check the app registration and its API permissions.`,
  }
}
