import { randomUUID } from 'node:crypto'

/**
 * Entra's token-endpoint error body: `error`, `error_description` starting `AADSTSnnnn: `, then
 * trace/correlation ids and a timestamp, plus `error_codes`, `timestamp`, `trace_id`,
 * `correlation_id`, `error_uri`. Wording follows messages returned by login.microsoftonline.com
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes and
 * https://login.microsoftonline.com/error?code=NNNN).
 */
export interface AadError {
  readonly status: number
  readonly error: string
  readonly code: number
  readonly message: string
}

export function aadErrorBody(err: AadError, now: Date, correlationId = randomUUID()) {
  const traceId = randomUUID()
  const timestamp = now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
  return {
    error: err.error,
    error_description:
      `AADSTS${err.code}: ${err.message}\r\nTrace ID: ${traceId}\r\n` +
      `Correlation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [err.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${err.code}`,
  }
}

const e = (status: number, error: string, code: number, message: string): AadError => ({
  status,
  error,
  code,
  message,
})

export const aadsts = {
  missingParameter: (name: string) =>
    e(
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    ),
  unsupportedGrant: (grant: string) =>
    e(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grant}'.`,
    ),
  tenantNotFound: (tenant: string) =>
    e(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  noTenantInfo: () =>
    e(
      400,
      'invalid_request',
      50059,
      'No tenant-identifying information found in either the request or implied by any provided credentials.',
    ),
  appNotFound: (appId: string, tenant: string) =>
    e(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${appId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  missingSecret: () =>
    e(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  invalidSecret: (appId: string) =>
    e(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`,
    ),
  expiredSecret: (appId: string) =>
    e(
      401,
      'invalid_client',
      7000222,
      `The provided client secret keys for app '${appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds`,
    ),
  defaultScopeRequired: (scope: string) =>
    e(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  invalidScope: (scope: string) =>
    e(
      400,
      'invalid_scope',
      70011,
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    ),
  resourceNotFound: (resource: string, tenant: string) =>
    e(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  redirectMismatch: (uri: string, appId: string) =>
    e(
      400,
      'invalid_request',
      50011,
      `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
    ),
  codeRedeemed: () =>
    e(
      400,
      'invalid_grant',
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
    ),
  malformedGrant: () =>
    e(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.'),
  grantExpired: () =>
    e(
      400,
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    ),
  grantForOtherClient: () =>
    e(
      400,
      'invalid_grant',
      70000,
      'Provided grant is invalid or malformed. The grant was issued to a different client.',
    ),
  grantRevoked: () =>
    e(
      400,
      'invalid_grant',
      50173,
      'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
    ),
  pkceMismatch: () =>
    e(
      400,
      'invalid_grant',
      501481,
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
    ),
  noSignedInUser: () =>
    e(400, 'login_required', 50058, 'A silent sign-in request was sent but no user is signed in.'),
  userNotInTenant: (upn: string, tenant: string) =>
    e(
      400,
      'invalid_request',
      50020,
      `User account '${upn}' from identity provider does not exist in tenant '${tenant}' and cannot access the application in that tenant.`,
    ),
  unsupportedResponseType: (type: string) =>
    e(
      400,
      'unsupported_response_type',
      700054,
      `response_type '${type}' is not enabled for the application.`,
    ),
  invalidChallengeMethod: () =>
    e(400, 'invalid_request', 50148, "The code_challenge_method must be 'S256' or 'plain'."),
} as const
