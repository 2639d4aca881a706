import fc from 'fast-check'

import {
  anyBody,
  authorizationValue,
  contentType,
  headerName,
  headerValue,
  methodFor,
  pathFor,
  type PathPiece,
  queryString,
} from './arbitraries.ts'
import type { FuzzRequest } from './fuzz-request.ts'
import { type Mutated, mutationsOf } from './mutations.ts'
import type { Durable } from './write-probe.ts'

/** One public endpoint as the fuzzer sees it. */
export interface Endpoint {
  readonly name: string
  /** The Fastify routes serving it, as `METHOD /pattern` (the coverage check in socket.fuzz.test.ts). */
  readonly routes: readonly string[]
  /** A connector webhook: its kind and path (checked against every connector's routes). */
  readonly webhook?: { readonly kind: string; readonly path: string }
  readonly method: string
  readonly path: readonly PathPiece[]
  /** Query parameters it reads, generated more often than random names. */
  readonly queryNames?: readonly string[]
  /** Extra headers carrying credentials here, with credential-shaped values. */
  readonly credentialHeaders?: Readonly<Record<string, fc.Arbitrary<string>>>
  /** Requests a genuine caller sends; the fuzzer mutates them one step at a time. */
  readonly seeds?: readonly FuzzRequest[]
  /** Fresh credentials for the request's (mutated) bytes, as a caller holding the secret would add. */
  readonly sign?: (request: FuzzRequest) => FuzzRequest | Promise<FuzzRequest>
  /** Whether the request carries valid credentials; only then may it succeed or store anything. */
  readonly genuine?: (request: FuzzRequest) => boolean
  /** What a genuine request that succeeded may write. */
  readonly mayWrite?: readonly Durable[]
  /** Refusals after which a genuine request may still have written (documented ones only). */
  readonly refusalsThatWrite?: readonly number[]
  /** Whether a request without credentials may succeed: public endpoints, handshakes. */
  readonly anonymous?: boolean | ((request: FuzzRequest) => boolean)
}

/** What the generators know of the bridge: enough to forge convincingly, never to succeed. */
export interface ForgeryHints {
  readonly knownKeyIds: readonly string[]
  readonly audiences: readonly string[]
  /** Genuine credentials: the fuzzer sends near misses of them. */
  readonly genuineCredentials: readonly string[]
}

export type Generated = Mutated

/**
 * Half random requests at the endpoint (any method, varied path, query, headers and body), half
 * genuine requests with one or two mutations, and now and then a genuine request as it is.
 */
export function requestsFor(endpoint: Endpoint, hints: ForgeryHints): fc.Arbitrary<Generated> {
  const credentials: Record<string, fc.Arbitrary<string>> = {
    authorization: authorizationValue({
      knownKeyIds: hints.knownKeyIds,
      audiences: hints.audiences,
      genuine: hints.genuineCredentials,
    }),
    ...endpoint.credentialHeaders,
  }
  const credentialNames = Object.keys(credentials)
  const bodiless = endpoint.method === 'GET'
  const random = fc
    .record({
      method: methodFor(endpoint.method),
      path: pathFor(endpoint.path),
      query: fc.option(queryString(endpoint.queryNames ?? []), { freq: 2 }),
      contentType: fc.option(contentType, { freq: 4 }),
      credentials: fc.tuple(
        ...credentialNames.map((name) => fc.option(credentials[name]!, { freq: 3 })),
      ),
      extra: fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }),
      body: bodiless
        ? fc.oneof(
            { weight: 4, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: anyBody },
          )
        : anyBody,
    })
    .map(({ method, path, query, contentType, credentials, extra, body }): Generated => {
      const headers: Record<string, string> = {}
      for (const [name, value] of extra) headers[name] = value
      if (contentType !== null) headers['content-type'] = contentType
      credentialNames.forEach((name, i) => {
        const value = credentials[i] as string | null | undefined
        if (typeof value === 'string') headers[name] = value
      })
      return {
        request: { method, url: query === null ? path : `${path}?${query}`, headers, body },
        resign: false,
        mutation: 'random',
      }
    })
  const seeds = endpoint.seeds ?? []
  if (seeds.length === 0) return random
  // Built once per seed: parsing a seed and listing its paths is not free.
  const mutated = fc.oneof(...seeds.map((seed) => mutationsOf(seed, endpoint.queryNames ?? [])))
  return fc.oneof(
    { weight: 10, arbitrary: random },
    { weight: 10, arbitrary: mutated },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...seeds)
        .map((request) => ({ request, resign: false, mutation: 'none' })),
    },
  )
}
