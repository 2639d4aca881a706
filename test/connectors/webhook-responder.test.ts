import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

import { afterEach, describe, expect, it } from 'vitest'

import { createWebhookResponder } from '../../src/connectors/webhook-responder/responder.ts'
import { webhookResponderSettings } from '../../src/connectors/webhook-responder/settings.ts'
import { verifyTurnSignature } from '../../src/connectors/webhook-responder/signature.ts'
import {
  RemoteAmbiguousError,
  RemoteAuthError,
  RemoteRejectedError,
  RemoteUnavailableError,
} from '../../src/core/errors.ts'
import { classifyResponderFailure } from '../../src/core/policies/responder-failure.ts'
import { drain, memorySecretSource, responderDeps, turn } from './responder-support.ts'

const SECRET = 'whsec-current-0123456789abcdef'
const OLD_SECRET = 'whsec-previous-fedcba9876543210'

interface Received {
  readonly headers: IncomingMessage['headers']
  readonly raw: string
  /** The documented recipe, written here independently of the connector. */
  readonly verified: (secret: string) => boolean
}

type Answer = (res: ServerResponse, received: Received) => void | Promise<void>

const servers: Array<ReturnType<typeof createServer>> = []
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    server.close()
  }
})

/** The customer's service: records each turn and answers as told. */
async function customerService(answer: Answer) {
  const received: Received[] = []
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const timestamp = String(req.headers['x-cx-bridge-timestamp'])
    const verified = (secret: string) => {
      const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300
      const expected = createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest()
      const signatures = String(req.headers['x-cx-bridge-signature'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.startsWith('v1='))
        .map((s) => Buffer.from(s.slice(3), 'hex'))
      return fresh && signatures.some((s) => s.length === 32 && timingSafeEqual(s, expected))
    }
    const item = { headers: req.headers, raw, verified }
    received.push(item)
    await answer(res, item)
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bot/turns`
  return { url, received }
}

function responder(url: string, overrides: Record<string, unknown> = {}) {
  const settings = webhookResponderSettings.parse({
    kind: 'webhook',
    url,
    signingSecretName: 'responder-signing',
    ...overrides,
  })
  const secrets = memorySecretSource({ 'responder-signing': SECRET, 'responder-old': OLD_SECRET })
  const { deps, log, lines } = responderDeps(url, secrets.source)
  const instance = createWebhookResponder(settings, deps)
  const respond = (t = turn()) => instance.respond(t, { log })
  return { lines, respond, ask: (t = turn()) => drain(respond(t)) }
}

const json = (status: number, body: unknown) => (res: ServerResponse) =>
  void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))

describe('webhook responder: the signed turn', () => {
  const message = {
    text: 'Where is my order?',
    sender: { id: '29:alex', displayName: 'Alex Customer', aadObjectId: 'aad-1' },
    attachments: [
      { name: 'a.png', mediaType: 'image/png', url: 'https://blobs.example/a.png?sig=x' },
    ],
  }

  it('POSTs the turn as JSON, signed so the documented recipe verifies it', async () => {
    const service = await customerService(json(200, { text: 'Hello Alex, it ships today.' }))
    const { deltas, result } = await responder(service.url).ask(
      turn({
        history: [{ role: 'assistant', content: 'Hi!' }],
        locale: 'en-US',
        message,
      }),
    )
    expect(deltas).toEqual(['Hello Alex, it ships today.'])
    expect(result).toEqual({ text: 'Hello Alex, it ships today.', finish: 'stop' })
    const [seen] = service.received
    expect(seen!.verified(SECRET)).toBe(true)
    expect(seen!.verified('another-secret')).toBe(false)
    expect(seen!.headers['x-cx-bridge-turn-id']).toBe('turn-1')
    expect(seen!.headers['content-type']).toBe('application/json')
    expect(JSON.parse(seen!.raw)).toEqual({
      version: 1,
      type: 'turn',
      turnId: 'turn-1',
      sessionId: 'session-1',
      integrationId: 'integration-1',
      sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      locale: 'en-US',
      message,
      history: [{ role: 'assistant', content: 'Hi!' }],
    })
  })

  it('during a rotation, both secrets sign; the exported check refuses replays and tampering', async () => {
    const service = await customerService(json(200, { text: 'ok' }))
    await responder(service.url, { previousSigningSecretName: 'responder-old' }).ask()
    const [seen] = service.received
    expect(seen!.verified(SECRET)).toBe(true)
    expect(seen!.verified(OLD_SECRET)).toBe(true)
    const check = (over: Partial<Parameters<typeof verifyTurnSignature>[0]>) =>
      verifyTurnSignature({
        secret: SECRET,
        timestampHeader: String(seen!.headers['x-cx-bridge-timestamp']),
        signatureHeader: String(seen!.headers['x-cx-bridge-signature']),
        rawBody: seen!.raw,
        nowSeconds: Math.floor(Date.now() / 1000),
        ...over,
      })
    expect(check({})).toBe(true)
    expect(check({ nowSeconds: Math.floor(Date.now() / 1000) + 301 })).toBe(false)
    expect(check({ rawBody: seen!.raw.replace('Where', 'Wh3re') })).toBe(false)
    expect(
      check({ timestampHeader: String(Number(seen!.headers['x-cx-bridge-timestamp']) + 1) }),
    ).toBe(false)
  })
})

describe('webhook responder: answers', () => {
  it('streams NDJSON deltas as they arrive, up to {"done": true}', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const service = await customerService(async (res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' })
      res.write('{"delta":"Let me "}\n')
      await held
      res.write('\n{"delta":"check."}\r\n')
      res.end('{"done":true}\n')
    })
    const reply = responder(service.url).respond()
    const seen: string[] = []
    for await (const delta of reply) {
      seen.push(delta)
      // The second line is written only after the first delta reached us.
      if (seen.length === 1) release()
    }
    expect(seen).toEqual(['Let me ', 'check.'])
    await expect(reply.result()).resolves.toEqual({ text: 'Let me check.', finish: 'stop' })
  })

  it('204 or an empty text: no reply', async () => {
    const empty = await customerService((res) => void res.writeHead(204).end())
    expect((await responder(empty.url).ask()).result).toEqual({ text: '', finish: 'none' })
    const blank = await customerService(json(200, { text: '' }))
    expect((await responder(blank.url).ask()).result).toEqual({ text: '', finish: 'none' })
  })

  const failures: Array<[string, Answer, new (...args: never[]) => Error, string]> = [
    [
      'an NDJSON error line',
      (res) =>
        void res
          .writeHead(200, { 'content-type': 'application/x-ndjson' })
          .end('{"delta":"a"}\n{"error":{"code":"crm_down"}}\n'),
      RemoteUnavailableError,
      'unavailable',
    ],
    [
      'NDJSON without done',
      (res) =>
        void res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end('{"delta":"a"}\n'),
      RemoteUnavailableError,
      'unavailable',
    ],
    [
      'a line that is not JSON',
      (res) => void res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end('hello\n'),
      RemoteRejectedError,
      'rejected',
    ],
    ['JSON without text', json(200, { answer: 'x' }), RemoteRejectedError, 'rejected'],
    [
      'an HTML page',
      (res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>'),
      RemoteRejectedError,
      'rejected',
    ],
    ['500', json(500, { error: 'boom' }), RemoteUnavailableError, 'unavailable'],
    ['400', json(400, { error: 'bad' }), RemoteRejectedError, 'rejected'],
    ['401 (it refused our signature)', json(401, {}), RemoteAuthError, 'auth'],
  ]
  it.each(failures)('%s', async (_name, answer, type, kind) => {
    const service = await customerService(answer)
    const { error } = await responder(service.url).ask()
    expect(error).toBeInstanceOf(type)
    expect(classifyResponderFailure(error).kind).toBe(kind)
    expect(service.received).toHaveLength(1)
  })

  it('no answer within responseMs: timeout, and the turn is not sent twice', async () => {
    const service = await customerService(async (res) => {
      await sleep(1_000)
      json(200, { text: 'late' })(res)
    })
    const r = responder(service.url, { timeouts: { responseMs: 150 } })
    const { error } = await r.ask()
    expect(error).toBeInstanceOf(RemoteAmbiguousError)
    expect(classifyResponderFailure(error).kind).toBe('timeout')
    expect(service.received).toHaveLength(1)
    expect(r.lines.join('\n')).not.toContain(SECRET)
  })
})
