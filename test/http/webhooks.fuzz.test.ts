import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  startWebhookHarness,
  type WebhookHarness,
  type WebhookName,
  WEBHOOKS,
} from './webhook-harness.ts'
import { botToken, genesysSignature, validBody } from './webhook-requests.ts'

const RUNS = 250
const NAMES = Object.keys(WEBHOOKS) as WebhookName[]

/** Printable ASCII: what an HTTP header value can carry at all. */
const headerText = fc
  .array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 80 })
  .map((codes) => String.fromCharCode(...codes))

/** Sets `value` at a dotted path, creating objects on the way (a mutation of a valid body). */
function mutate(body: object, path: string, value: unknown): object {
  const copy = structuredClone(body) as Record<string, unknown>
  const keys = path.split('.')
  let node: Record<string, unknown> = copy
  for (const key of keys.slice(0, -1)) {
    const next = node[key]
    node[key] = typeof next === 'object' && next !== null ? next : {}
    node = node[key] as Record<string, unknown>
  }
  node[keys.at(-1)!] = value
  return copy
}

const PATHS = [
  'value',
  'value.0',
  'value.0.clientState',
  'value.0.resource',
  'value.0.changeType',
  'value.0.lifecycleEvent',
  'value.0.encryptedContent',
  'validationTokens',
  'type',
  'id',
  'text',
  'serviceUrl',
  'channelId',
  'from',
  'from.name',
  'conversation',
  'conversation.id',
  'attachments',
  'channel',
  'channel.to.id',
  'channel.from.nickname',
  'content',
  'status',
  'direction',
  '__proto__',
  'constructor',
]

describe('no generated request makes a webhook answer 5xx', () => {
  let h: WebhookHarness
  let token = ''
  beforeAll(async () => {
    h = await startWebhookHarness({ http: { bodyLimitBytes: 64 * 1024 } })
    token = await botToken(h.s)
  })
  afterAll(async () => h?.close())

  const bodies = (name: WebhookName) =>
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.json({ maxDepth: 3 }),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      fc
        .tuple(fc.constantFrom(...PATHS), fc.jsonValue({ maxDepth: 2 }))
        .map(([path, value]) => JSON.stringify(mutate(validBody(h.s, name), path, value))),
    )
  const contentTypes = fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/vnd.api+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    undefined,
  )
  const credentials = fc.constantFrom('genuine', 'none', 'garbage')

  it.each(NAMES)(`%s: ${RUNS} generated bodies and headers`, async (name) => {
    await fc.assert(
      fc.asyncProperty(
        bodies(name),
        contentTypes,
        credentials,
        headerText,
        fc.option(fc.string({ maxLength: 40 })),
        async (body, contentType, credential, garbage, validationToken) => {
          const headers: Record<string, string> = {}
          if (contentType) headers['content-type'] = contentType
          if (credential === 'genuine') {
            headers['authorization'] = `Bearer ${token}`
            headers['x-hub-signature-256'] = genesysSignature(h.s, body)
          } else if (credential === 'garbage') {
            headers['authorization'] = garbage
            headers['x-hub-signature-256'] = garbage
          }
          const query =
            validationToken === null
              ? ''
              : `?validationToken=${encodeURIComponent(validationToken)}`
          const response = await h.inject({
            method: 'POST',
            url: `${WEBHOOKS[name]}${query}`,
            payload: body,
            headers,
          })
          expect(response.statusCode).toBeGreaterThanOrEqual(200)
          expect(response.statusCode).toBeLessThan(500)
          if (response.statusCode >= 400) {
            expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
            const problem = JSON.parse(response.body) as { code: unknown; status: unknown }
            expect(typeof problem.code).toBe('string')
            expect(problem.status).toBe(response.statusCode)
          }
        },
      ),
      { numRuns: RUNS },
    )
    expect((await h.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
  })
})
