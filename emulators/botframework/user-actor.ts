import { fetch } from 'undici'

import { channelAuthorization } from './channel-token.ts'
import type { BotFrameworkContext } from './context.ts'
import type { DeliveryFault } from './delivery-faults.ts'

export interface DeliveryResult {
  /** The bot endpoint's HTTP status; 0 when nothing was posted (dropped or held back). */
  readonly status: number
  readonly activity: Record<string, unknown>
  /** Every POST this call made, in order (a duplicate, or a held activity released after it). */
  readonly deliveries: ReadonlyArray<{ activityId: string; status: number }>
  /**
   * Why nothing was posted although no fault was injected: the bot was not @mentioned in a
   * group chat or channel, or it is not installed there.
   */
  readonly skipped?: 'notMentioned' | 'notInstalled'
}

/** "This happens when the bot fails to respond to the Bot Framework within 15 seconds." */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 15_000

/**
 * Posts activities to bot endpoints as the Teams channel does, applying delivery faults. The
 * channel does not retry: a timeout is reported as 504 (GatewayTimeout), a refused connection
 * as 502.
 */
export class ChannelDelivery {
  readonly #ctx: BotFrameworkContext
  #held: { botAppId: string; activity: Record<string, unknown> } | undefined

  constructor(ctx: BotFrameworkContext) {
    this.#ctx = ctx
  }

  async deliver(botAppId: string, activity: Record<string, unknown>): Promise<DeliveryResult> {
    const fault = this.#ctx.deliveryFaults.take()
    const activityId = String(activity['id'])
    if (fault === 'drop') return { status: 0, activity, deliveries: [] }
    if (fault === 'reorder') {
      this.#held = { botAppId, activity }
      return { status: 0, activity, deliveries: [] }
    }
    const deliveries: Array<{ activityId: string; status: number }> = []
    const sent = fault === 'unendorsedChannel' ? { ...activity, channelId: 'webchat' } : activity
    const status = await this.#post(botAppId, sent, fault)
    deliveries.push({ activityId, status })
    if (fault === 'duplicate')
      deliveries.push({ activityId, status: await this.#post(botAppId, sent, undefined) })
    const held = this.#held
    if (held) {
      this.#held = undefined
      const heldStatus = await this.#post(held.botAppId, held.activity, undefined)
      deliveries.push({ activityId: String(held.activity['id']), status: heldStatus })
    }
    return { status, activity, deliveries }
  }

  async #post(
    botAppId: string,
    activity: Record<string, unknown>,
    fault: DeliveryFault | undefined,
  ): Promise<number> {
    const bot = this.#ctx.bots.get(botAppId)
    if (!bot) throw new Error(`unknown bot ${botAppId}`)
    const authorization = await channelAuthorization(this.#ctx, botAppId, fault)
    try {
      const res = await fetch(bot.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Microsoft-SkypeBotApi (Microsoft-BotFramework/3.0)',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify(activity),
        signal: AbortSignal.timeout(this.#ctx.deliveryTimeoutMs),
      })
      await res.arrayBuffer()
      return res.status
    } catch (error) {
      const name = (error as Error).name
      return name === 'TimeoutError' || name === 'AbortError' ? 504 : 502
    }
  }
}
