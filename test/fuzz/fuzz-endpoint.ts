import fc from 'fast-check'
import { expect } from 'vitest'

import { type Endpoint, type ForgeryHints, requestsFor } from './endpoint.ts'
import type { FuzzBridge } from './fuzz-bridge.ts'
import { bodyBytes, describeRequest, type FuzzRequest } from './fuzz-request.ts'
import { fuzzParameters } from './fuzz-settings.ts'
import type { FuzzResponse } from './socket-transport.ts'
import type { Durable } from './write-probe.ts'

export interface FuzzTally {
  readonly requests: number
  /** Requests carrying valid credentials (they may succeed and store). */
  readonly genuine: number
  /** Responses by status class: how deep the requests got. */
  readonly byStatus: Readonly<Record<string, number>>
  /** Time spent waiting for answers (the rest is generating and checking). */
  readonly answerMs: number
}

/**
 * Sends `runs` generated requests to the endpoint and checks each answer: never a 5xx, a
 * problem+json for every refusal, no secret the request did not carry, nothing stored unless the
 * request was genuine and succeeded; then that the bridge still answers and the blob store is as
 * it was. fast-check shrinks a failing request to a small one and prints its seed.
 */
export async function fuzzEndpoint(
  bridge: FuzzBridge,
  endpoint: Endpoint,
  hints: ForgeryHints,
  options: { runs: number; transport: 'inject' | 'socket' },
): Promise<FuzzTally> {
  const send = options.transport === 'socket' ? bridge.socket : bridge.inject
  const blobs = bridge.probe.blobFiles()
  let requests = 0
  let genuine = 0
  let answerMs = 0
  const byStatus: Record<string, number> = {}
  await fc.assert(
    fc.asyncProperty(requestsFor(endpoint, hints), async (generated) => {
      const request =
        generated.resign && endpoint.sign
          ? await endpoint.sign(generated.request)
          : generated.request
      const mark = bridge.probe.mark()
      const sent = performance.now()
      const response = await send(request)
      answerMs += performance.now() - sent
      const written = bridge.probe.writtenSince(mark)
      const isGenuine = endpoint.genuine?.(request) ?? false
      requests++
      if (isGenuine) genuine++
      const status = `${Math.floor(response.status / 100)}xx`
      byStatus[status] = (byStatus[status] ?? 0) + 1
      checkAnswer({
        endpoint,
        request,
        response,
        written,
        isGenuine,
        secrets: bridge.secrets,
        mutation: generated.mutation,
      })
    }),
    fuzzParameters(options.runs),
  )
  expect(bridge.probe.blobFiles(), 'blob store changed').toEqual(blobs)
  const health = await send({ method: 'GET', url: '/healthz', headers: {} })
  expect(health.status, 'the bridge stopped answering').toBe(200)
  return { requests, genuine, byStatus, answerMs: Math.round(answerMs) }
}

interface Exchange {
  readonly endpoint: Endpoint
  readonly request: FuzzRequest
  readonly response: FuzzResponse
  readonly written: readonly Durable[]
  readonly isGenuine: boolean
  readonly secrets: readonly string[]
  readonly mutation: string
}

const STACK_OR_PATH = /\n\s+at .+:\d+:\d+|node:internal|node_modules|\/src\/[\w/-]+\.ts/

/** The properties every answer to every request must have. */
export function checkAnswer(x: Exchange): void {
  const { request, response } = x
  const where = () =>
    `${x.endpoint.name} (${x.mutation}): ${describeRequest(request)} → ${response.status} ${response.body.slice(0, 300)}`
  if (response.status >= 500 || response.status < 200)
    throw new Error(`status ${response.status}: ${where()}`)

  const success = response.status < 300
  const anonymous =
    typeof x.endpoint.anonymous === 'function'
      ? x.endpoint.anonymous(request)
      : (x.endpoint.anonymous ?? false)
  if (success && !x.isGenuine && !anonymous)
    throw new Error(`succeeded without credentials: ${where()}`)

  if (x.written.length > 0) {
    const writes = success || x.endpoint.refusalsThatWrite?.includes(response.status)
    const allowed =
      writes && x.isGenuine && x.written.every((durable) => x.endpoint.mayWrite?.includes(durable))
    if (!allowed) throw new Error(`stored something (${x.written.join(', ')}): ${where()}`)
  }

  if (response.status >= 400 && request.method !== 'HEAD') {
    const type = String(response.headers['content-type'] ?? '')
    if (!/^application\/problem\+json/.test(type))
      throw new Error(`not problem+json (${type}): ${where()}`)
    let problem: Record<string, unknown>
    try {
      problem = JSON.parse(response.body) as Record<string, unknown>
    } catch {
      throw new Error(`problem is not JSON: ${where()}`)
    }
    const shape = {
      status: problem['status'],
      code: typeof problem['code'],
      title: typeof problem['title'],
      type: typeof problem['type'],
    }
    if (
      shape.status !== response.status ||
      shape.code !== 'string' ||
      shape.title !== 'string' ||
      shape.type !== 'string'
    )
      throw new Error(`malformed problem ${JSON.stringify(shape)}: ${where()}`)
    if (STACK_OR_PATH.test(response.body)) throw new Error(`internals in a problem: ${where()}`)
  }

  const told = `${JSON.stringify(response.headers)}\n${response.body}`
  for (const secret of x.secrets) {
    if (!told.includes(secret)) continue
    const asked = `${request.url}\n${JSON.stringify(request.headers)}\n${bodyBytes(request).toString('latin1')}`
    if (!asked.includes(secret) && !decodeURIComponentSafe(asked).includes(secret))
      throw new Error(`answered with a secret (${secret.slice(0, 4)}…): ${where()}`)
  }
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    return value
  }
}
