import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { IntegrationId } from '../../src/core/model/ids.ts'
import type { JsonObject } from '../../src/core/model/json.ts'
import {
  expectNothingAccepted,
  expectProblem,
  startWebhookHarness,
  type WebhookHarness,
  WEBHOOKS,
} from './webhook-harness.ts'
import { graphNotification } from './webhook-requests.ts'

const OTHER = {
  id: 'other-teams',
  secretName: 'other-client-state',
  clientState: 'other-state-91f2',
}

describe('Graph webhooks: clientState and the validation handshake', () => {
  let h: WebhookHarness
  beforeAll(async () => {
    h = await startWebhookHarness()
    // A second Teams integration with its own clientState (the demo bot shares the demo's).
    const { store, secrets } = h.s.bridge.infra
    const bot = await store.integrations.get(h.s.demo.integrations.bot as IntegrationId)
    const settings = bot!.settings as { notifications: object }
    await secrets.put(OTHER.secretName, OTHER.clientState)
    await store.integrations.create({
      id: OTHER.id as IntegrationId,
      kind: 'microsoft-teams',
      name: 'Another Teams tenant',
      settings: {
        ...settings,
        notifications: { ...settings.notifications, clientStateName: OTHER.secretName },
      } as JsonObject,
    })
  })
  afterAll(async () => h?.close())

  const post = (url: string, body: object) =>
    h.inject({
      method: 'POST',
      url,
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    })
  const lifecycleItem = (clientState?: string | null) =>
    graphNotification(h.s, {
      lifecycleEvent: 'reauthorizationRequired',
      resource: `/chats/${h.s.demo.chatId}/messages`,
      clientState,
    })

  describe.each([
    ['notifications', WEBHOOKS.graphNotifications],
    ['lifecycle', WEBHOOKS.graphLifecycle],
  ])('%s route', (_name, url) => {
    it('refuses a missing, empty, null or wrong clientState with 401', async () => {
      for (const clientState of [undefined, null, '', 'wrong', `${h.s.demo.clientState}x`, ' ']) {
        await expectNothingAccepted(h, async () =>
          expectProblem(
            await post(url, graphNotification(h.s, { clientState })),
            401,
            'AUTH_FAILED',
          ),
        )
        await expectNothingAccepted(h, async () =>
          expectProblem(await post(url, lifecycleItem(clientState)), 401, 'AUTH_FAILED'),
        )
      }
    })

    it('refuses the clientState of another integration, both ways', async () => {
      await expectNothingAccepted(h, async () =>
        expectProblem(
          await post(url, graphNotification(h.s, { clientState: OTHER.clientState })),
          401,
          'AUTH_FAILED',
        ),
      )
      const otherUrl = url.replace('/demo-teams/', `/${OTHER.id}/`)
      await expectNothingAccepted(h, async () =>
        expectProblem(await post(otherUrl, graphNotification(h.s)), 401, 'AUTH_FAILED'),
      )
    })

    it('refuses a whole batch when one item carries a forged clientState', async () => {
      const good = graphNotification(h.s).value[0]!
      const forged = graphNotification(h.s, { clientState: 'forged' }).value[0]!
      await expectNothingAccepted(h, async () =>
        expectProblem(await post(url, { value: [good, forged, good] }), 401, 'AUTH_FAILED'),
      )
    })

    it('refuses an unknown integration with 404 even with the right clientState', async () => {
      await expectNothingAccepted(h, async () =>
        expectProblem(
          await post(url.replace('/demo-teams/', '/not-configured/'), graphNotification(h.s)),
          404,
          'NOT_FOUND',
        ),
      )
    })

    it('echoes the validation token exactly, as 200 text/plain', async () => {
      const tokens = [
        'Validation: Testing client application reachability for subscription Request-Id: 0ffcd0b0-6b22-4b3c-9a3f-0d9e1c2b3a4f',
        'a+b=c&d%e;f/g?h#i',
        'quotes "double" \'single\' `back` \\ slash',
        'unicode é ü ß 日本 🙂',
        '  leading and trailing spaces  ',
      ]
      for (const token of tokens) {
        // Graph form-encodes the token (`+` for spaces), as URLSearchParams does.
        const query = new URLSearchParams({ validationToken: token }).toString()
        await expectNothingAccepted(h, async () => {
          const response = await h.inject({ method: 'POST', url: `${url}?${query}` })
          expect(response.statusCode).toBe(200)
          expect(response.headers['content-type']).toMatch(/^text\/plain/)
          expect(response.body).toBe(token)
        })
      }
      // Percent-encoded spaces and a content type Graph sends with the empty body.
      const response = await h.inject({
        method: 'POST',
        url: `${url}?validationToken=Validation%3a%20Testing+client`,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      })
      expect(response.statusCode).toBe(200)
      expect(response.body).toBe('Validation: Testing client')
    })

    it('refuses a token with markup, control characters, no content or too much of it', async () => {
      for (const token of [
        '<script>alert(1)</script>',
        'a\u0000b',
        'line\nbreak',
        '',
        'x'.repeat(4097),
      ]) {
        const query = new URLSearchParams({ validationToken: token }).toString()
        await expectNothingAccepted(h, async () =>
          expectProblem(
            await h.inject({ method: 'POST', url: `${url}?${query}` }),
            400,
            'INPUT_INVALID',
          ),
        )
      }
    })

    it('answers a handshake for an integration that does not exist with 404', async () => {
      const response = await h.inject({
        method: 'POST',
        url: `${url.replace('/demo-teams/', '/not-configured/')}?validationToken=hello`,
      })
      expectProblem(response, 404, 'NOT_FOUND')
    })
  })

  it('accepts a lifecycle notification with the right clientState, once', async () => {
    const body = lifecycleItem(h.s.demo.clientState)
    const before = h.webhookJobs().length
    for (let i = 0; i < 2; i++) {
      const response = await post(WEBHOOKS.graphLifecycle, body)
      expect(response.statusCode).toBe(202)
    }
    expect(h.webhookJobs().slice(before)).toHaveLength(1)
    await h.s.bridge.infra.queue.idle()
    expect(await h.s.bridge.infra.queue.stats()).toMatchObject({ parked: 0, failed: 0 })
  })

  it('ignores validationToken on the other connectors (no handshake there)', async () => {
    for (const url of [WEBHOOKS.bot, WEBHOOKS.genesys]) {
      await expectNothingAccepted(h, async () =>
        expectProblem(
          await h.inject({
            method: 'POST',
            url: `${url}?validationToken=hello`,
            payload: '{}',
            headers: { 'content-type': 'application/json' },
          }),
          401,
          'AUTH_FAILED',
        ),
      )
    }
  })
})
