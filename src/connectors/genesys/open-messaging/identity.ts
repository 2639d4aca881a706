import type { IntegrationId } from '../../../core/model/ids.ts'
import type { JsonObject } from '../../../core/model/json.ts'
import type { BackendIdentity, Participant } from '../../../core/model/participant.ts'
import type { RemoteAddress } from '../../../core/model/remote-address.ts'
import { stableCustomerKey } from '../../../core/policies/identity.ts'
import { sanitizeText, truncateText } from '../../../core/policies/text.ts'

export const connectorKind = 'genesys-open-messaging' as const

/**
 * Name fields are shown to agents as plain text. Their length limit is not documented for
 * `OpenMessagingFromRecipient`; 100 characters is a conservative cut that no real name reaches.
 */
const maxNameLength = 100
/** Participant data values are short ids here; anything longer is not what we meant to send. */
const maxAttributeLength = 256

const entities: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&nbsp;': ' ',
}

/** A display name as plain text: no markup, no control characters, one line, bounded. */
export function plainName(value: string | undefined): string {
  if (!value) return ''
  const text = sanitizeText(value)
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (entity) => entities[entity] ?? '')
    .replace(/[<>]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
  return truncateText(text, maxNameLength)
}

/** "Smith, Ana" (directory style) and "Ana Smith" both give first "Ana", last "Smith". */
export function splitName(displayName: string): { firstName?: string; lastName?: string } {
  const comma = displayName.indexOf(',')
  if (comma > 0) {
    const last = displayName.slice(0, comma).trim()
    const first = displayName.slice(comma + 1).trim()
    return { ...(first && { firstName: first }), ...(last && { lastName: last }) }
  }
  const space = displayName.indexOf(' ')
  if (space < 0) return displayName ? { firstName: displayName } : {}
  return { firstName: displayName.slice(0, space), lastName: displayName.slice(space + 1) }
}

function attributes(participant: Participant): Record<string, string> {
  const entries: Array<[string, string | undefined]> = [
    ['teamsTenantId', participant.tenantId],
    ['teamsAadObjectId', participant.aadObjectId],
    ['teamsUpn', participant.upn],
  ]
  const result: Record<string, string> = {}
  for (const [key, raw] of entries) {
    const value = raw && sanitizeText(raw).trim()
    if (value && value.length <= maxAttributeLength) result[key] = value
  }
  return result
}

/**
 * How a Teams customer appears in Genesys: `from.id` is the stable tenant + object id key (an
 * `Opaque` id, so Genesys does not try to treat it as an address), names come from the display
 * name, and participant data carries the Teams ids for routing and CRM lookups.
 */
export function identify(participant: Participant, _channel?: RemoteAddress): BackendIdentity {
  const nickname = plainName(participant.displayName)
  const { firstName, lastName } = splitName(nickname)
  return {
    id: stableCustomerKey(participant),
    idType: 'Opaque',
    ...(firstName && { firstName }),
    ...(lastName && { lastName }),
    ...(nickname && { nickname }),
    customAttributes: attributes(participant),
  }
}

/** The backend address of a customer: `key` is the Open Messaging `from.id` / `to.id`. */
export function addressFor(integrationId: IntegrationId, identity: BackendIdentity): RemoteAddress {
  return {
    kind: connectorKind,
    integrationId,
    key: identity.id,
    data: { identity: identity as unknown as JsonObject },
  }
}

/** The identity stored in an address built by `addressFor` (or the bare key, for older data). */
export function identityOf(address: RemoteAddress): BackendIdentity {
  const data = address.data as { identity?: BackendIdentity } | null
  const stored = data?.identity
  if (stored && typeof stored.id === 'string' && stored.id === address.key) return stored
  return { id: address.key, idType: 'Opaque', customAttributes: {} }
}
