import { afterEach, describe, expect, it } from 'vitest'

import {
  createGraphChannelClient,
  graphTokensFor,
} from '../../src/connectors/microsoft/graph/index.ts'
import type { SendContext } from '../../src/core/ports/connector.ts'
import { silentLog } from './botframework-support.ts'
import { ALICE, type GraphWorld, startGraphWorld } from './graph-world.ts'

const ctx: SendContext = { idempotencyKey: 'k', log: silentLog }
const MINUTE = 60_000

let world: GraphWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const messagesIn = (w: GraphWorld) =>
  w.received.filter((e) => e.event.type === 'message.created').map((e) => e.event)

describe('Graph subscriptions against the Graph emulator', () => {
  it('creates a per-chat subscription through both handshakes and receives rich messages', async () => {
    world = await startGraphWorld()
    await world.client.keepSubscriptions(world.clock.now(), ctx)

    const [sub] = world.graph.control.subscriptions()
    expect(sub).toMatchObject({
      resource: `/chats/${world.chatId}/messages`,
      changeType: 'created',
      includeResourceData: true,
      notificationUrl: `${world.deps.publicUrl}/webhooks/microsoft-teams/${world.integration.id}/notifications`,
      lifecycleNotificationUrl: `${world.deps.publicUrl}/webhooks/microsoft-teams/${world.integration.id}/lifecycle`,
    })
    expect(world.hits).toEqual(['notifications 200', 'lifecycle 200'])
    const stored = await world.subscriptions.list(world.integration.id)
    expect(stored.map((s) => s.id)).toEqual([sub!.id])

    const sent = world.graph.control.userSends({
      chatId: world.chatId,
      userId: ALICE.id,
      html: '<p>Hello <b>agent</b><script>alert(1)</script></p>',
    })
    await world.graph.control.idle()
    expect(world.received).toEqual([
      {
        dedupeKey: `graph:${world.chatId}:${sent.id}:created`,
        address: expect.objectContaining({ key: world.chatId }),
        occurredAt: new Date(sent.createdDateTime).toISOString(),
        event: {
          type: 'message.created',
          message: expect.objectContaining({
            remoteMessageId: sent.id,
            text: 'Hello **agent**',
            sender: expect.objectContaining({
              aadObjectId: ALICE.id,
              displayName: ALICE.displayName,
            }),
          }),
        },
      },
    ])

    // Keeping again changes nothing while the subscription is far from expiry.
    await world.client.keepSubscriptions(world.clock.now(), ctx)
    expect(world.graph.control.subscriptions()).toHaveLength(1)
  })

  it('renews before expiry, and recreates a subscription Graph no longer knows', async () => {
    world = await startGraphWorld({ subscriptionLifetimeMinutes: 60, renewBeforeMs: 15 * MINUTE })
    await world.client.keepSubscriptions(world.clock.now(), ctx)
    const [first] = await world.subscriptions.list(world.integration.id)

    await world.graph.control.advance(50 * MINUTE)
    await world.client.keepSubscriptions(world.clock.now(), ctx)
    const [renewed] = await world.subscriptions.list(world.integration.id)
    expect(renewed!.id).toBe(first!.id)
    expect(renewed!.expiresAt.getTime()).toBeGreaterThan(first!.expiresAt.getTime())
    const remote = world.graph.control.subscriptions()[0]!
    expect(Date.parse(String(remote['expirationDateTime']))).toBe(renewed!.expiresAt.getTime())

    world.graph.control.expireSubscription(first!.id)
    await world.graph.control.advance(50 * MINUTE)
    await world.client.keepSubscriptions(world.clock.now(), ctx)
    const [recreated] = await world.subscriptions.list(world.integration.id)
    expect(recreated!.id).not.toBe(first!.id)
    expect(world.graph.control.subscriptions().map((s) => s['id'])).toEqual([recreated!.id])
  })

  it('adopts a subscription whose creation answer was lost instead of creating a second', async () => {
    world = await startGraphWorld()
    await world.client.keepSubscriptions(world.clock.now(), ctx)
    const [sub] = await world.subscriptions.list(world.integration.id)
    await world.subscriptions.delete(sub!.id) // as if the 201 never arrived

    await world.client.keepSubscriptions(world.clock.now(), ctx)
    expect(world.graph.control.subscriptions().map((s) => s['id'])).toEqual([sub!.id])
    expect((await world.subscriptions.list(world.integration.id)).map((s) => s.id)).toEqual([
      sub!.id,
    ])
  })

  it('reauthorizes on reauthorizationRequired and recreates on subscriptionRemoved', async () => {
    world = await startGraphWorld()
    await world.client.keepSubscriptions(world.clock.now(), ctx)
    const [sub] = await world.subscriptions.list(world.integration.id)

    world.graph.control.fireLifecycle(sub!.id, 'reauthorizationRequired')
    await world.graph.control.idle()
    const lifecycle = world.received.at(-1)!.event
    expect(lifecycle).toEqual({
      type: 'subscription.lifecycle',
      subscriptionId: sub!.id,
      lifecycle: 'reauthorizationRequired',
    })
    await world.graph.control.advance(MINUTE)
    expect(await world.client.onLifecycle(sub!.id, 'reauthorizationRequired', ctx)).toEqual([])
    const [after] = await world.subscriptions.list(world.integration.id)
    expect(after!.id).toBe(sub!.id)
    expect(after!.expiresAt.getTime()).toBeGreaterThan(sub!.expiresAt.getTime())

    world.graph.control.fireLifecycle(sub!.id, 'subscriptionRemoved')
    await world.graph.control.idle()
    expect(world.received.at(-1)!.event).toMatchObject({ lifecycle: 'subscriptionRemoved' })
    const gaps = await world.client.onLifecycle(sub!.id, 'subscriptionRemoved', ctx)
    expect(gaps.map((a) => a.key)).toEqual([world.chatId])
    const remote = world.graph.control.subscriptions()
    expect(remote).toHaveLength(1)
    expect(remote[0]!['id']).not.toBe(sub!.id)
    expect((await world.subscriptions.list(world.integration.id)).map((s) => s.id)).toEqual([
      remote[0]!['id'],
    ])
  })

  it('catches up what was missed during a gap without doubling what was notified', async () => {
    world = await startGraphWorld()
    await world.client.keepSubscriptions(world.clock.now(), ctx)
    const address = (await world.client.watchedAddresses())[0]!
    expect(address.key).toBe(world.chatId)

    const w = world
    const aliceSays = async (text: string) => {
      await w.graph.control.advance(1000)
      return w.graph.control.userSends({ chatId: w.chatId, userId: ALICE.id, text })
    }
    const notified = await aliceSays('one')
    await world.graph.control.idle()
    world.graph.control.setNotificationFaults({ dropPercent: 100 })
    const lost1 = await aliceSays('two')
    const lost2 = await aliceSays('three')
    await world.graph.control.idle()
    world.graph.control.setNotificationFaults({})
    expect(messagesIn(world)).toHaveLength(1)

    const caught = await world.client.catchUp(address, ctx)
    expect(caught.map((e) => e.event.type === 'message.created' && e.event.message.text)).toEqual([
      'one',
      'two',
      'three',
    ])
    const keys = new Set(world.received.map((e) => e.dedupeKey))
    const fresh = caught.filter((e) => !keys.has(e.dedupeKey))
    expect(fresh.map((e) => e.dedupeKey)).toEqual([
      `graph:${world.chatId}:${lost1.id}:created`,
      `graph:${world.chatId}:${lost2.id}:created`,
    ])
    expect(caught[0]!.dedupeKey).toBe(`graph:${world.chatId}:${notified.id}:created`)

    await world.client.commitCatchUp(address, caught)
    await world.graph.control.advance(60_000)
    const again = await world.client.catchUp(address, ctx)
    expect(again.filter((e) => !caught.some((c) => c.dedupeKey === e.dedupeKey))).toEqual([])
  })
})

describe('tenant-wide Graph subscription', () => {
  it('replaces per-chat subscriptions when switched, and both routes share one dedupe key', async () => {
    world = await startGraphWorld()
    const w = world
    await w.client.keepSubscriptions(w.clock.now(), ctx)
    const [perChat] = await w.subscriptions.list(w.integration.id)

    /** The same integration after an operator edited its notification settings. */
    const edited = (notifications: Record<string, unknown>) => {
      const settings = w.integration.settings as Record<string, Record<string, unknown>>
      const integration = {
        ...w.integration,
        settings: {
          ...settings,
          notifications: { ...settings['notifications'], ...notifications },
        },
      } as typeof w.integration
      return createGraphChannelClient({
        integration,
        deps: w.deps,
        subscriptions: w.subscriptions,
        tokens: graphTokensFor(integration, w.deps),
      })
    }
    const tenantWide = edited({ tenantWide: true })
    await tenantWide.keepSubscriptions(w.clock.now(), ctx)
    const resources = w.graph.control.subscriptions().map((s) => s['resource'])
    expect(resources.sort()).toEqual([`/chats/${w.chatId}/messages`, '/chats/getAllMessages'])

    const sent = w.graph.control.userSends({ chatId: w.chatId, userId: ALICE.id, text: 'twice' })
    await w.graph.control.idle()
    const keys = w.received.map((e) => e.dedupeKey)
    expect(keys).toEqual([
      `graph:${w.chatId}:${sent.id}:created`,
      `graph:${w.chatId}:${sent.id}:created`,
    ])

    const switched = edited({ chatIds: [], tenantWide: true })
    await switched.keepSubscriptions(w.clock.now(), ctx)
    expect(w.graph.control.subscriptions().map((s) => s['resource'])).toEqual([
      '/chats/getAllMessages',
    ])
    const stored = await w.subscriptions.list(w.integration.id)
    expect(stored.map((s) => s.resource)).toEqual(['/chats/getAllMessages'])
    expect(stored.some((s) => s.id === perChat!.id)).toBe(false)
  })
})
