import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  expectNothingAccepted,
  expectProblem,
  startWebhookHarness,
  type WebhookHarness,
  type WebhookName,
  WEBHOOKS,
} from './webhook-harness.ts'
import { genuineHeaders, genuineRequest, validBody } from './webhook-requests.ts'

const BODY_LIMIT = 16 * 1024
const NAMES = Object.keys(WEBHOOKS) as WebhookName[]

describe('every webhook refuses malformed requests with problem+json and stores nothing', () => {
  let h: WebhookHarness
  beforeAll(async () => {
    h = await startWebhookHarness({ http: { bodyLimitBytes: BODY_LIMIT } })
  })
  afterAll(async () => h?.close())

  /** Sends `body` with the caller's genuine credentials over exactly those bytes. */
  const post = async (name: WebhookName, body: string, headers: Record<string, string> = {}) =>
    h.inject(await genuineRequest(h.s, name, body, headers))

  describe.each(NAMES)('%s', (name) => {
    it('answers malformed JSON with 400', async () => {
      for (const body of ['{"value": [', '{', 'nul', '{"a":1}}', '\u0000\u0001', '{"a":"\\x"}']) {
        await expectNothingAccepted(h, async () =>
          expectProblem(await post(name, body), 400, 'INPUT_INVALID'),
        )
      }
    })

    it('answers JSON that is not the expected object with 400', async () => {
      for (const body of ['[]', '"text"', 'null', '42', '{}', '{"value": []}', '{"value": {}}']) {
        await expectNothingAccepted(h, async () =>
          expectProblem(await post(name, body), 400, 'INPUT_INVALID'),
        )
      }
    })

    it('answers an empty body with 400', async () => {
      await expectNothingAccepted(h, async () =>
        expectProblem(await post(name, ''), 400, 'INPUT_INVALID'),
      )
    })

    it('answers a wrong or missing content type with 415', async () => {
      const body = JSON.stringify(validBody(h.s, name))
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/jsonp',
        'text/json',
      ]) {
        await expectNothingAccepted(h, async () =>
          expectProblem(
            await post(name, body, { 'content-type': type }),
            415,
            'UNSUPPORTED_MEDIA_TYPE',
          ),
        )
      }
      const request = await genuineRequest(h.s, name, body)
      const headers = { ...(request.headers as Record<string, string>) }
      delete headers['content-type']
      await expectNothingAccepted(h, async () =>
        expectProblem(await h.inject({ ...request, headers }), 415, 'UNSUPPORTED_MEDIA_TYPE'),
      )
    })

    it(`answers a body over http.bodyLimitBytes (${BODY_LIMIT}) with 413`, async () => {
      const padded = JSON.stringify({ ...validBody(h.s, name), pad: 'x'.repeat(BODY_LIMIT) })
      await expectNothingAccepted(h, async () =>
        expectProblem(await post(name, padded), 413, 'PAYLOAD_TOO_LARGE'),
      )
    })

    it('reads a body of exactly the limit (it fails later, on its forged credentials)', async () => {
      const base = JSON.stringify({ ...validBody(h.s, name), pad: '' })
      const exact = base.replace('"pad":""', `"pad":"${'x'.repeat(BODY_LIMIT - base.length)}"`)
      expect(Buffer.byteLength(exact)).toBe(BODY_LIMIT)
      const forged = {
        'x-hub-signature-256': 'sha256=AAAA',
        authorization: 'Bearer a.b.c',
      }
      const body = name.startsWith('graph') ? exact.replaceAll('sandbox-client', 'forged') : exact
      await expectNothingAccepted(h, async () =>
        expectProblem(await post(name, body, forged), 401, 'AUTH_FAILED'),
      )
    })

    it('answers an unknown integration, a foreign kind and a bad id with 404', async () => {
      const body = JSON.stringify(validBody(h.s, name))
      const [, , kind, id, ...rest] = WEBHOOKS[name].split('/')
      const path = rest.join('/')
      const other = kind === 'microsoft-teams' ? 'demo-genesys' : 'demo-teams'
      for (const url of [
        `/webhooks/${kind}/no-such-integration/${path}`,
        `/webhooks/${kind}/${other}/${path}`,
        `/webhooks/${kind}/${'a'.repeat(65)}/${path}`,
        `/webhooks/${kind}/bad%20id/${path}`,
        `/webhooks/${kind}/${id}/no-such-route`,
        `/webhooks/no-such-kind/${id}/${path}`,
      ]) {
        await expectNothingAccepted(h, async () => {
          const headers = await genuineHeaders(h.s, name, body)
          const response = await h.inject({
            method: 'POST',
            url,
            payload: body,
            headers: { 'content-type': 'application/json', ...headers },
          })
          expectProblem(response, 404, 'NOT_FOUND')
        })
      }
    })

    it('answers other methods with 404 problem+json', async () => {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH'] as const) {
        expectProblem(await h.inject({ method, url: WEBHOOKS[name] }), 404, 'NOT_FOUND')
      }
    })
  })

  it('keeps serving after clients hang up mid-body or lie about Content-Length', async () => {
    const { hostname, port } = new URL(h.s.bridge.url)
    const send = (raw: string, hangUp: boolean) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(port), hostname, () => {
          socket.write(raw)
          if (hangUp) socket.destroy()
        })
        let answer = ''
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()))
        socket.on('close', () => resolve(answer))
        socket.on('error', () => resolve(answer))
        socket.setTimeout(2000, () => socket.end())
      })
    const head = (length: number) =>
      `POST ${WEBHOOKS.genesys} HTTP/1.1\r\nHost: ${hostname}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`
    await expectNothingAccepted(h, async () => {
      await send(`${head(5000)}{"id":"x"`, true)
      // More bytes than announced: the extra bytes are not a second request that gets through.
      const answer = await send(`${head(2)}{}{"id":"smuggled"}`, false)
      expect(answer).toMatch(/^HTTP\/1\.1 4\d\d/)
      expect(answer).not.toMatch(/HTTP\/1\.1 2\d\d/)
    })
    expect((await h.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
  })

  it('counts a chunked body without Content-Length against the limit over a real socket', async () => {
    const url = new URL(WEBHOOKS.genesys, h.s.bridge.url)
    await expectNothingAccepted(h, async () => {
      const { status, type, body } = await new Promise<{
        status: number
        type: string
        body: string
      }>((resolve, reject) => {
        const req = httpRequest(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        })
        req.on('response', (res) => {
          let text = ''
          res.on('data', (chunk: Buffer) => (text += chunk.toString()))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              type: String(res.headers['content-type']),
              body: text,
            }),
          )
        })
        // The server may answer and close before every chunk is written.
        req.on('error', (error) => (error.message.includes('EPIPE') ? undefined : reject(error)))
        const chunk = `"${'y'.repeat(1000)}",`
        req.write('{"pad":[')
        for (let i = 0; i < (BODY_LIMIT / chunk.length) * 2; i++) req.write(chunk)
        req.end('"end"]}')
      })
      expect(status).toBe(413)
      expect(type).toMatch(/^application\/problem\+json/)
      expect(JSON.parse(body)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' })
    })
    expect((await h.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
  })
})
