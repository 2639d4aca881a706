import { AsyncLocalStorage } from 'node:async_hooks'

import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node'

import { isBridgeError } from '../../../core/errors.ts'
import type { HttpClient, HttpResponse } from '../../shared/http.ts'

/** Collects the classified error our HttpClient threw inside one MSAL call. */
interface CallScope {
  error: unknown
}

/**
 * MSAL's network hook implemented over our HttpClient, so token and metadata calls get the same
 * timeouts, rate limits, Retry-After handling and extra CA as every other remote call.
 *
 * MSAL turns any exception from a network client into a generic `network_error` (see
 * msal-common `sendPostRequest`), which would lose our classification (429 with Retry-After,
 * 400 `invalid_client`, timeout). So the error is kept in an AsyncLocalStorage scope opened by
 * `withScope` and rethrown by the caller instead of MSAL's wrapper.
 */
export class MsalNetwork implements INetworkModule {
  readonly #http: HttpClient
  readonly #rateKey: string
  readonly #timeoutMs: number
  readonly #scope = new AsyncLocalStorage<CallScope>()

  constructor(http: HttpClient, rateKey: string, timeoutMs = 10_000) {
    this.#http = http
    this.#rateKey = rateKey
    this.#timeoutMs = timeoutMs
  }

  /** Runs an MSAL call; a failure of ours wins over MSAL's generic wrapper. */
  async withScope<T>(call: () => Promise<T>): Promise<T> {
    const scope: CallScope = { error: undefined }
    try {
      return await this.#scope.run(scope, call)
    } catch (error) {
      if (isBridgeError(scope.error)) throw scope.error
      throw error
    }
  }

  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    // Metadata documents are safe to replay.
    return this.#send<T>('GET', url, options, true)
  }

  sendPostRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    // A token request changes nothing on the server: replaying it only mints another token.
    return this.#send<T>('POST', url, options, true)
  }

  async #send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    idempotent: boolean,
  ): Promise<NetworkResponse<T>> {
    let response: HttpResponse
    try {
      response = await this.#http.request({
        method,
        url,
        logPath: withoutTenant(url),
        headers: options?.headers,
        body: options?.body,
        rateKey: this.#rateKey,
        timeoutMs: this.#timeoutMs,
        idempotent,
        maxResponseBytes: 1024 * 1024,
      })
    } catch (error) {
      const scope = this.#scope.getStore()
      if (scope) scope.error = error
      throw error
    }
    return {
      status: response.status,
      headers: { ...response.headers },
      body: parseBody<T>(response),
    }
  }
}

function parseBody<T>(response: HttpResponse): T {
  try {
    return response.json<T>()
  } catch {
    return {} as T
  }
}

/** Identity paths start with the tenant (`/{tenant}/oauth2/v2.0/token`): logs never show it. */
const withoutTenant = (url: string) => new URL(url).pathname.replace(/^\/[^/]+/, '/{tenant}')
