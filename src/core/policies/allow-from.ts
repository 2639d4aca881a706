/** Who wrote to a bot, as far as Teams and the directory told us. */
export interface BotUser {
  readonly aadObjectId?: string
  readonly tenantId?: string
  readonly upn?: string
  readonly email?: string
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const same = (a: string | undefined, b: string) => !!a && a.toLowerCase() === b.toLowerCase()
const domainOf = (address: string | undefined) =>
  address?.includes('@') ? address.slice(address.lastIndexOf('@') + 1).toLowerCase() : undefined

/**
 * One `allowFrom` entry against a user: an Entra object id (GUID), `tenant:<tenant id>`, a UPN
 * or e-mail address (`ana@contoso.com`, matched against both, case-insensitively) or a whole
 * domain (`@contoso.com`). Anything else matches nobody.
 */
export function allowFromMatches(entry: string, user: BotUser): boolean {
  const value = entry.trim()
  if (value.toLowerCase().startsWith('tenant:')) return same(user.tenantId, value.slice(7))
  if (GUID.test(value)) return same(user.aadObjectId, value)
  if (value.startsWith('@')) {
    const domain = value.slice(1).toLowerCase()
    return domainOf(user.upn) === domain || domainOf(user.email) === domain
  }
  if (value.includes('@')) return same(user.upn, value) || same(user.email, value)
  return false
}

/** Absent or empty: everyone. Otherwise the user must match one entry. */
export function isAllowedFrom(allowFrom: readonly string[] | undefined, user: BotUser): boolean {
  if (!allowFrom || allowFrom.length === 0) return true
  return allowFrom.some((entry) => allowFromMatches(entry, user))
}

/** Whether deciding needs the user's UPN or e-mail (Teams activities carry neither). */
export const allowFromNeedsAddress = (allowFrom: readonly string[] | undefined) =>
  !!allowFrom?.some((entry) => entry.includes('@'))
