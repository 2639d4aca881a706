import type { ResourceFamily } from '../notifications/resource-targets.ts'
import { badRequest } from './graph-error.ts'

const MINUTE = 60_000

// Maximum lifetimes (https://learn.microsoft.com/graph/change-notifications-overview#subscription-lifetime):
// Teams chatMessage 4320 min; Outlook message 4230 min, or 1 day with resource data
// (https://learn.microsoft.com/graph/outlook-change-notifications-overview); presence 60 min.
export function maxLifetimeMinutes(family: ResourceFamily, includeResourceData: boolean): number {
  if (family === 'teamsMessage') return 4320
  if (family === 'presence') return 60
  return includeResourceData ? 1440 : 4230
}

// "Any value under 45 minutes after the time of the request is automatically set to 45 minutes
// after the request time." (https://learn.microsoft.com/graph/api/resources/subscription)
const MIN_LIFETIME_MS = 45 * MINUTE

// Teams resources need lifecycle notifications beyond one hour
// (https://learn.microsoft.com/graph/teams-changenotifications-chatmessage).
const TEAMS_WITHOUT_LIFECYCLE_MS = 60 * MINUTE
export const LIFECYCLE_REQUIRED_MESSAGE =
  'lifecycleNotificationUrl is a required property for subscription creation on this resource when the expirationDateTime value is set to greater than 1 hour'

/** Checks `expirationDateTime` against the resource's limits and returns the effective time. */
export function effectiveExpiration(input: {
  raw: unknown
  family: ResourceFamily
  includeResourceData: boolean
  hasLifecycleUrl: boolean
  nowMs: number
}): number {
  if (typeof input.raw !== 'string') throw badRequest('expirationDateTime is a required property.')
  const requested = Date.parse(input.raw)
  if (Number.isNaN(requested) || !/^\d{4}-\d{2}-\d{2}T/.test(input.raw)) {
    throw badRequest(`expirationDateTime '${input.raw}' is not a valid date and time.`)
  }
  const maxMinutes = maxLifetimeMinutes(input.family, input.includeResourceData)
  if (requested - input.nowMs > maxMinutes * MINUTE) {
    throw badRequest(`Subscription expiration can only be ${maxMinutes} minutes in the future.`)
  }
  const effective = Math.max(requested, input.nowMs + MIN_LIFETIME_MS)
  if (
    input.family === 'teamsMessage' &&
    !input.hasLifecycleUrl &&
    effective - input.nowMs > TEAMS_WITHOUT_LIFECYCLE_MS
  ) {
    throw badRequest(LIFECYCLE_REQUIRED_MESSAGE)
  }
  return effective
}

const CHANGE_TYPES: Record<ResourceFamily, readonly string[]> = {
  teamsMessage: ['created', 'updated', 'deleted'],
  outlookMessage: ['created', 'updated', 'deleted'],
  // Presence supports only `updated` (https://learn.microsoft.com/graph/changenotifications-for-presence).
  presence: ['updated'],
}

export function parseChangeTypes(raw: unknown, family: ResourceFamily): Set<string> {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw badRequest('changeType is a required property.')
  const types = raw.split(',').map((t) => t.trim())
  const allowed = CHANGE_TYPES[family]
  for (const type of types) {
    if (!allowed.includes(type)) {
      throw badRequest(
        `changeType '${type}' is not supported for this resource; use ${allowed.join(', ')}.`,
      )
    }
  }
  if (new Set(types).size !== types.length) throw badRequest(`changeType '${raw}' repeats a value.`)
  return new Set(types)
}

/**
 * notificationUrl and lifecycleNotificationUrl must be HTTPS. The emulator also accepts plain
 * HTTP to loopback hosts (127.0.0.1, localhost, ::1) so local receivers need no certificate;
 * real Graph does not.
 */
export function checkEndpointUrl(
  name: string,
  raw: unknown,
  plainHttpHosts: ReadonlySet<string>,
): string {
  if (typeof raw !== 'string' || raw === '') throw badRequest(`${name} is a required property.`)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw badRequest(`${name} '${raw}' is not an absolute URL.`)
  }
  const plainOk = url.protocol === 'http:' && plainHttpHosts.has(url.hostname)
  if (url.protocol !== 'https:' && !plainOk) {
    throw badRequest(`${name} must use HTTPS.`)
  }
  return raw
}

const TLS_VERSIONS = ['v1_0', 'v1_1', 'v1_2', 'v1_3']

export function checkTlsVersion(raw: unknown): string {
  if (raw === undefined || raw === null) return 'v1_2'
  if (typeof raw !== 'string' || !TLS_VERSIONS.includes(raw)) {
    throw badRequest(`latestSupportedTlsVersion must be one of ${TLS_VERSIONS.join(', ')}.`)
  }
  return raw
}

// clientState: "The maximum length is 128 characters" (subscription resource page; the
// changeNotification page says 255; the emulator enforces the stricter value).
export function checkClientState(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null
  if (typeof raw !== 'string') throw badRequest('clientState must be a string.')
  if (raw.length > 128) throw badRequest('clientState must not be longer than 128 characters.')
  return raw
}
