/** Resources (APIs) the emulated directory knows, by application ID URI. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com'
export const BOTFRAMEWORK_RESOURCE = 'https://api.botframework.com'

const WELL_KNOWN: Record<string, string> = {
  [GRAPH_RESOURCE]: GRAPH_RESOURCE,
  // Graph's application id, accepted as a resource identifier by Entra.
  '00000003-0000-0000-c000-000000000000': GRAPH_RESOURCE,
  [BOTFRAMEWORK_RESOURCE]: BOTFRAMEWORK_RESOURCE,
}

/** OpenID Connect scopes that name no resource. */
export const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access'])

/**
 * The audience for a resource identifier, or undefined when the directory has no such API.
 * Registered apps are resources too (`api://{appId}` or the bare app id).
 */
export function resolveResource(
  resource: string,
  isRegisteredApp: (appId: string) => boolean,
): string | undefined {
  const trimmed = resource.replace(/\/+$/, '')
  const known = WELL_KNOWN[trimmed]
  if (known) return known
  const appId = trimmed.startsWith('api://') ? trimmed.slice('api://'.length) : trimmed
  return isRegisteredApp(appId) ? trimmed : undefined
}

export interface DelegatedScopes {
  readonly resource: string
  /** Scope names on the resource (`Chat.ReadWrite`), for the `scp` claim. */
  readonly names: string[]
  readonly oidc: string[]
}

/**
 * Splits a v2 `scope` parameter. Bare names (`User.Read`) belong to Graph, as on Entra; one
 * request may name one resource only (AADSTS70011 otherwise).
 */
export function parseDelegatedScopes(scope: string): DelegatedScopes | undefined {
  const parts = scope.split(/\s+/).filter(Boolean)
  const oidc = parts.filter((s) => OIDC_SCOPES.has(s))
  let resource: string | undefined
  const names: string[] = []
  for (const part of parts) {
    if (OIDC_SCOPES.has(part)) continue
    const slash = part.lastIndexOf('/')
    const res = slash > 0 ? part.slice(0, slash) : GRAPH_RESOURCE
    const name = slash > 0 ? part.slice(slash + 1) : part
    if (resource !== undefined && resource !== res) return undefined
    resource = res
    names.push(name === '.default' ? 'User.Read' : name)
  }
  return { resource: resource ?? GRAPH_RESOURCE, names: names.length ? names : ['User.Read'], oidc }
}
