import { createHmac } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { IntegrationId } from '../../src/core/model/ids.ts'
import type { JsonObject } from '../../src/core/model/json.ts'
import { eventually } from '../support/sandbox.ts'
import {
  expectNothingAccepted,
  expectProblem,
  startWebhookHarness,
  type WebhookHarness,
  WEBHOOKS,
} from './webhook-harness.ts'
import { genesysMessage, genesysSignature } from './webhook-requests.ts'

const hmac = (secret: string, body: string, encoding: 'base64' | 'hex' = 'base64') =>
  createHmac('sha256', secret).update(body).digest(encoding)

describe('Genesys outbound webhook: X-Hub-Signature-256 over the exact bytes', () => {
  let h: WebhookHarness
  beforeAll(async () => {
    h = await startWebhookHarness()
  })
  afterAll(async () => h?.close())

  const post = (body: string, signature: string | undefined) =>
    h.inject({
      method: 'POST',
      url: WEBHOOKS.genesys,
      payload: body,
      headers: {
        'content-type': 'application/json',
        ...(signature === undefined ? {} : { 'x-hub-signature-256': signature }),
      },
    })
  const refused = (body: string, signature: string | undefined) =>
    expectNothingAccepted(h, async () => {
      const problem = expectProblem(await post(body, signature), 401, 'AUTH_FAILED')
      expect(JSON.stringify(problem)).not.toContain(h.s.demo.genesys.webhookToken)
    })

  it('refuses a missing, empty or malformed signature', async () => {
    const body = JSON.stringify(genesysMessage(h.s))
    const right = hmac(h.s.demo.genesys.webhookToken, body)
    for (const signature of [
      undefined,
      '',
      'sha256=',
      'sha256=AAAA',
      right, // no prefix
      `sha1=${right}`,
      `sha256=${hmac(h.s.demo.genesys.webhookToken, body, 'hex')}`, // hex, not base64
      `sha256=${right.slice(0, -2)}`,
      `sha256=${right}${right}`,
      `sha256=${right}, sha256=${right}`,
    ]) {
      await refused(body, signature)
    }
  })

  it('refuses a signature made with another secret', async () => {
    const body = JSON.stringify(genesysMessage(h.s))
    for (const secret of ['wrong-webhook-token-000000', h.s.demo.genesys.clientSecret, '']) {
      await refused(body, `sha256=${hmac(secret, body)}`)
    }
  })

  it('refuses a genuine signature over a different body', async () => {
    const signed = genesysMessage(h.s)
    const signature = genesysSignature(h.s, JSON.stringify(signed))
    const tampered = { ...signed, text: 'Please wire the refund to this account' }
    await refused(JSON.stringify(tampered), signature)
    // The same JSON with other spacing is other bytes: no re-serialization before the check.
    await refused(JSON.stringify(signed, null, 2), signature)
    await refused(`${JSON.stringify(signed)}\n`, signature)
  })

  it('accepts the prefix in any case and the genuine signature (the checks are not vacuous)', async () => {
    const before = h.webhookJobs().length
    const body = JSON.stringify(genesysMessage(h.s))
    const signature = genesysSignature(h.s, body).replace('sha256=', 'SHA256=')
    expect((await post(body, signature)).statusCode).toBeLessThan(300)
    expect(h.webhookJobs().length).toBe(before + 1)
  })

  it('accepts the previous secret only until its rotation deadline', async () => {
    const { store, secrets } = h.s.bridge.infra
    const id = h.s.demo.integrations.genesys as IntegrationId
    const previous = 'previous-webhook-token-0123'
    await secrets.put('previous-genesys-token', previous)
    const settings = (await store.integrations.get(id))!.settings
    const rotate = async (validUntil: Date) => {
      await store.integrations.update(id, {
        settings: {
          ...settings,
          previousWebhookSecretName: 'previous-genesys-token',
          previousWebhookSecretValidUntil: validUntil.toISOString(),
        } as JsonObject,
      })
      h.s.bridge.invalidate(id)
    }
    try {
      await rotate(new Date(Date.now() - 1000))
      const body = JSON.stringify(genesysMessage(h.s))
      await refused(body, `sha256=${hmac(previous, body)}`)

      await rotate(new Date(Date.now() + 3_600_000))
      const before = h.webhookJobs().length
      expect((await post(body, `sha256=${hmac(previous, body)}`)).statusCode).toBeLessThan(300)
      expect(h.webhookJobs().length).toBe(before + 1)
    } finally {
      await store.integrations.update(id, { settings })
      h.s.bridge.invalidate(id)
    }
  })

  it('answers a signed but malformed message with 400', async () => {
    for (const message of [
      genesysMessage(h.s, { channel: undefined }),
      genesysMessage(h.s, { type: 42 }),
      genesysMessage(h.s, { text: { nested: true } }),
    ]) {
      const body = JSON.stringify(message)
      await expectNothingAccepted(h, async () =>
        expectProblem(await post(body, genesysSignature(h.s, body)), 400, 'INPUT_INVALID'),
      )
    }
  })

  it('answers 5xx without naming the secret while the webhook secret is missing', async () => {
    const { secrets } = h.s.bridge.infra
    const name = 'sandbox-genesys-webhook-token'
    await secrets.delete(name)
    try {
      const body = JSON.stringify(genesysMessage(h.s))
      await expectNothingAccepted(h, async () => {
        // Genesys retries a 5xx five times, so the delivery survives until an operator acts.
        const response = await post(body, genesysSignature(h.s, body))
        expect(response.statusCode).toBe(500)
        expect(response.json()).toMatchObject({ code: 'CONFIG_INVALID' })
        expect(response.body).not.toContain(name)
      })
    } finally {
      await secrets.put(name, h.s.demo.genesys.webhookToken)
    }
  })

  it('refuses a real delivery signed with a token the bridge does not know', async () => {
    // An open conversation in Genesys: the customer writes first.
    h.s.graph.control.userSends({
      chatId: h.s.demo.chatId,
      userId: h.s.demo.customer.id,
      text: 'I need help',
    })
    const customer = await eventually(
      'customer message in Genesys',
      () => h.s.genesys.control.received().at(-1)?.from.id,
    )
    // Its Published receipt is still signed with the old token: let it arrive first.
    await eventually('Published receipt delivered', () =>
      h.s.genesys.control.deliveries().some((d) => d.body.includes('"Published"') && d.status),
    )
    await h.s.genesys.control.rotateWebhookToken(
      h.s.demo.genesys.integrationId,
      'rotated-only-in-genesys-000',
    )
    try {
      await expectNothingAccepted(h, async () => {
        const sent = await h.s.genesys.control.agentSends({
          integrationId: h.s.demo.genesys.integrationId,
          toId: customer!,
          text: 'signed with a token the bridge was never given',
        })
        await h.s.genesys.control.idle()
        const attempts = h.s.genesys.control
          .deliveries()
          .filter((d) => d.messageId === sent.messageId)
        expect(attempts.map((a) => a.status)).toEqual([401])
      })
    } finally {
      await h.s.genesys.control.rotateWebhookToken(
        h.s.demo.genesys.integrationId,
        h.s.demo.genesys.webhookToken,
      )
    }
  })
})
