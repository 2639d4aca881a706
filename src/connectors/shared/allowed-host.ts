import type { SettingsCheck } from '../../core/ports/integration-kinds.ts'

/**
 * Settings URLs the bridge sends credentials to must name the remote's own hosts: an API caller
 * could otherwise point a token request at any address the bridge reaches. `trustedHosts` (exact
 * `host:port`: the local emulators) are allowed besides.
 */
export function checkHosts(
  checked: SettingsCheck,
  rules: ReadonlyArray<{
    readonly path: readonly string[]
    readonly allowed: (host: string) => boolean
    readonly expected: string
  }>,
  trustedHosts: readonly string[] = [],
): SettingsCheck {
  if (!checked.ok) return checked
  const issues = rules.flatMap((rule) => {
    let value: unknown = checked.settings
    for (const key of rule.path) value = (value as Record<string, unknown> | undefined)?.[key]
    if (typeof value !== 'string') return []
    const url = new URL(value)
    if (trustedHosts.includes(url.host)) return []
    return url.protocol === 'https:' && rule.allowed(url.hostname)
      ? []
      : [{ path: rule.path, message: `must be ${rule.expected}` }]
  })
  return issues.length > 0 ? { ok: false, issues } : checked
}

/** Entra ID authorities: global, US Government, China (21Vianet). */
const ENTRA_AUTHORITIES = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.partner.microsoftonline.cn',
])

export const entraAuthorityRule = (path: readonly string[]) => ({
  path,
  allowed: (host: string) => ENTRA_AUTHORITIES.has(host),
  expected: `an Entra authority (${[...ENTRA_AUTHORITIES].join(', ')})`,
})
