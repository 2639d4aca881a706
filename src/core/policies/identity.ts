import { InvalidInputError } from '../errors.ts'
import type { Participant } from '../model/participant.ts'

/**
 * A stable, deterministic key for a customer across conversations and restarts: the directory
 * tenant plus the user's object id, which never changes when the user is renamed. The UPN is
 * the fallback (it can change when a user is renamed, so it is second choice), then the id the
 * channel itself uses. Lower-cased, because these ids are compared case-insensitively by their
 * issuers. Prefixes keep the three kinds of key from colliding.
 */
export function stableCustomerKey(
  participant: Pick<Participant, 'tenantId' | 'aadObjectId' | 'upn' | 'remoteId'>,
): string {
  const tenant = clean(participant.tenantId)
  const objectId = clean(participant.aadObjectId)
  const upn = clean(participant.upn)
  if (tenant && objectId) return `${tenant}:${objectId}`
  if (tenant && upn) return `${tenant}:upn:${upn}`
  const remoteId = clean(participant.remoteId)
  if (remoteId) return `${tenant ? `${tenant}:` : ''}id:${remoteId}`
  throw new InvalidInputError('participant has no stable identifier', {
    details: { reason: 'missing tenantId with aadObjectId or upn, and no remoteId' },
  })
}

const clean = (value: string | undefined) => value?.trim().toLowerCase() || undefined
