/**
 * Faults applied to the next deliveries of the user actor to a bot (channel → bot), for the
 * bot's negative tests:
 * - `duplicate`: the same activity (same id) is posted twice (at-least-once delivery);
 * - `reorder`: the activity is held back and posted right after the next one;
 * - `drop`: never posted;
 * - `badSignature`: signed with a key that is not in the published JWKS;
 * - `expiredToken`: the token expired 10 minutes ago (beyond the 5-minute skew);
 * - `wrongAudience`: `aud` is another app id;
 * - `wrongServiceUrl`: the `serviceurl` claim differs from `activity.serviceUrl`;
 * - `wrongIssuer`: `iss` is not `https://api.botframework.com`;
 * - `entraKey`: signed with the Entra key instead of the Bot Framework channel key;
 * - `unendorsedChannel`: `channelId` is `webchat` while the key is endorsed for `msteams` only;
 * - `noToken`: no Authorization header.
 */
export type DeliveryFault =
  | 'duplicate'
  | 'reorder'
  | 'drop'
  | 'badSignature'
  | 'expiredToken'
  | 'wrongAudience'
  | 'wrongServiceUrl'
  | 'wrongIssuer'
  | 'entraKey'
  | 'unendorsedChannel'
  | 'noToken'

export const DELIVERY_FAULTS: readonly DeliveryFault[] = [
  'duplicate',
  'reorder',
  'drop',
  'badSignature',
  'expiredToken',
  'wrongAudience',
  'wrongServiceUrl',
  'wrongIssuer',
  'entraKey',
  'unendorsedChannel',
  'noToken',
]

export class DeliveryFaults {
  readonly #queue: Array<{ fault: DeliveryFault; remaining: number }> = []

  add(fault: DeliveryFault, times = 1): void {
    if (!DELIVERY_FAULTS.includes(fault)) throw new Error(`unknown delivery fault ${fault}`)
    this.#queue.push({ fault, remaining: times })
  }

  clear(): void {
    this.#queue.length = 0
  }

  /** The fault for the next delivery, consuming one use. */
  take(): DeliveryFault | undefined {
    const head = this.#queue[0]
    if (!head) return undefined
    head.remaining -= 1
    if (head.remaining <= 0) this.#queue.shift()
    return head.fault
  }
}
