import type { Clock } from '../../../core/ports/clock.ts'

export interface IssuedToken {
  readonly accessToken: string
  /** Lifetime left when issued, in milliseconds. */
  readonly expiresInMs: number
}

/**
 * One cached access token with single-flight renewal. Renews when less than five minutes (or
 * half the lifetime, for short-lived tokens) remain, like botbuilder's AppCredentials
 * (`expiresIn * 1000 - 300000`). Time comes from the injected clock so tests can expire tokens.
 */
export class TokenCache {
  readonly #clock: Clock
  readonly #fetch: () => Promise<IssuedToken>
  #token: { value: string; renewAtMs: number } | undefined
  #inFlight: Promise<string> | undefined
  #generation = 0

  constructor(clock: Clock, fetch: () => Promise<IssuedToken>) {
    this.#clock = clock
    this.#fetch = fetch
  }

  get(): Promise<string> {
    const now = this.#clock.nowMs()
    if (this.#token && now < this.#token.renewAtMs) return Promise.resolve(this.#token.value)
    this.#inFlight ??= this.#renew().finally(() => {
      this.#inFlight = undefined
    })
    return this.#inFlight
  }

  /** Forgets the token; a renewal already running will not be cached. */
  clear(): void {
    this.#token = undefined
    this.#inFlight = undefined
    this.#generation += 1
  }

  async #renew(): Promise<string> {
    const generation = this.#generation
    const issued = await this.#fetch()
    const now = this.#clock.nowMs()
    const margin = Math.min(5 * 60_000, issued.expiresInMs / 2)
    if (generation === this.#generation) {
      this.#token = {
        value: issued.accessToken,
        renewAtMs: now + issued.expiresInMs - margin,
      }
    }
    return issued.accessToken
  }
}
