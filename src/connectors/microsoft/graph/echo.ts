import type { Participant } from '../../../core/model/participant.ts'
import type { MicrosoftTeamsSettings } from '../settings.ts'

const same = (a: string | undefined, b: string | undefined) =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase()

/**
 * Loop guard input: true when a Teams message was written by this bridge, i.e. by the service
 * account it posts as (a user) or by its bot / app registration (an application sender).
 */
export function isGraphEcho(settings: MicrosoftTeamsSettings, sender: Participant): boolean {
  const account = settings.serviceAccount?.userId
  if (sender.role !== 'bot') {
    return same(sender.aadObjectId, account) || same(sender.remoteId, account)
  }
  return [settings.bot?.appId, settings.clientId].some((appId) => same(sender.remoteId, appId))
}
