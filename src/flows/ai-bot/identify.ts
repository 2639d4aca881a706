import type { Participant } from '../../core/model/participant.ts'
import type { RemoteAddress } from '../../core/model/remote-address.ts'
import { allowFromNeedsAddress, type BotUser } from '../../core/policies/allow-from.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { BotBehaviour, OpenedBot } from './deps.ts'

export interface IdentifiedUser extends BotUser {
  readonly name?: string
}

/** The id a user's session is kept under: the Entra object id, else the channel's user id. */
export const sessionUserId = (sender: Participant) =>
  sender.aadObjectId ?? sender.remoteId ?? 'unknown'

/**
 * The sender with what the channel's directory adds (UPN, e-mail), looked up only when
 * `allowFrom` names addresses or contacts are collected: Teams activities carry neither. When
 * the lookup fails, allowFrom cannot decide, so the failure is thrown (the job retries); for
 * contacts alone the user is answered and recorded without an address.
 */
export async function identify(
  bot: OpenedBot,
  to: RemoteAddress,
  sender: Participant,
  ctx: { readonly log: Logger; readonly signal?: AbortSignal },
): Promise<IdentifiedUser> {
  const user: IdentifiedUser = {
    ...(sender.aadObjectId ? { aadObjectId: sender.aadObjectId } : {}),
    ...(sender.tenantId ? { tenantId: sender.tenantId } : {}),
    ...(sender.displayName ? { name: sender.displayName } : {}),
  }
  const decides = allowFromNeedsAddress(bot.behaviour.allowFrom)
  if (!sender.remoteId || !(decides || bot.behaviour.contactCollection)) return user
  try {
    const member = await bot.channel.member(to, sender.remoteId, ctx)
    if (!member) return user
    return {
      ...user,
      ...(member.upn ? { upn: member.upn } : {}),
      ...(member.email ? { email: member.email } : {}),
      ...(member.name && !user.name ? { name: member.name } : {}),
      ...(member.aadObjectId && !user.aadObjectId ? { aadObjectId: member.aadObjectId } : {}),
      ...(member.tenantId && !user.tenantId ? { tenantId: member.tenantId } : {}),
    }
  } catch (error) {
    if (decides) throw error
    ctx.log.warn({ err: error }, 'member lookup failed: contact recorded without an address')
    return user
  }
}

/** Whether a message in this conversation is for the bot at all. */
export function addressesBot(
  behaviour: BotBehaviour,
  scope: 'personal' | 'group',
  botMentioned: boolean | undefined,
): boolean {
  return scope === 'personal' || behaviour.groupMessages === 'all' || botMentioned === true
}
