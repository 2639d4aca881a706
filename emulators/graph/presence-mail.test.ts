import { afterEach, beforeEach, expect, test } from 'vitest'

import { ALICE, APP, BOB, type Harness, inMinutes, startHarness } from './testing/harness.ts'
import { startReceiver, type WebhookReceiver } from './testing/webhook-receiver.ts'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.graph.close()
})

test('presence: what the user sets, app sessions, and the bulk read', async () => {
  expect(await (await h.call('GET', `/users/${ALICE.id}/presence`)).json()).toMatchObject({
    id: ALICE.id,
    availability: 'Offline',
    activity: 'Offline',
  })
  const set = await h.call('POST', `/users/${ALICE.id}/presence/setPresence`, {
    body: {
      sessionId: APP,
      availability: 'Busy',
      activity: 'InACall',
      expirationDuration: 'PT10M',
    },
  })
  expect(set.status).toBe(200)
  expect(
    (
      await h.call('POST', `/users/${ALICE.id}/presence/setPresence`, {
        body: { sessionId: 'other', availability: 'Busy', activity: 'InACall' },
      })
    ).status,
  ).toBe(400)
  expect(
    (
      await h.call('POST', `/users/${ALICE.id}/presence/setPresence`, {
        body: { sessionId: APP, availability: 'Busy', activity: 'Away' },
      })
    ).status,
  ).toBe(400)
  h.graph.control.setPresence(BOB.id, 'DoNotDisturb', 'Presenting')
  const bulk = await h.call('POST', '/communications/getPresencesByUserId', {
    body: { ids: [ALICE.id, BOB.id] },
  })
  expect(((await bulk.json()) as { value: unknown[] }).value).toEqual([
    { id: ALICE.id, availability: 'Busy', activity: 'InACall', statusMessage: null },
    { id: BOB.id, availability: 'DoNotDisturb', activity: 'Presenting', statusMessage: null },
  ])
  h.clock.advance(11 * 60_000)
  expect(await (await h.call('GET', `/communications/presences/${ALICE.id}`)).json()).toMatchObject(
    { availability: 'Offline' },
  )
  const tooMany = Array.from({ length: 651 }, (_, i) => `id-${i}`)
  expect(
    (await h.call('POST', '/communications/getPresencesByUserId', { body: { ids: tooMany } }))
      .status,
  ).toBe(400)
})

test('presence subscriptions notify changes of the watched users', async () => {
  const hook: WebhookReceiver = await startReceiver()
  try {
    const alice = await h.userToken(ALICE)
    const res = await h.call('POST', '/subscriptions', {
      token: alice,
      body: {
        changeType: 'updated',
        notificationUrl: hook.url,
        resource: `/communications/presences?$filter=id in ('${BOB.id}')`,
        expirationDateTime: inMinutes(h.clock, 60),
      },
    })
    expect(res.status).toBe(201)
    h.graph.control.setPresence(ALICE.id, 'Away')
    h.graph.control.setPresence(BOB.id, 'Busy', 'InAMeeting')
    await h.graph.control.idle()
    const items = hook
      .notifications()
      .map((n) => n.json<{ value: Array<{ resource: string }> }>().value[0]!)
    expect(items.map((i) => i.resource)).toEqual([`communications/presences/${BOB.id}`])
  } finally {
    await hook.close()
  }
})

test('mail: list the inbox, read with Prefer text, mark read; notifications for the mailbox', async () => {
  const hook = await startReceiver()
  try {
    const sub = await h.call('POST', '/subscriptions', {
      body: {
        changeType: 'created,updated',
        notificationUrl: hook.url,
        resource: `/users/${ALICE.userPrincipalName}/mailFolders('inbox')/messages`,
        expirationDateTime: inMinutes(h.clock, 60),
      },
    })
    expect(sub.status).toBe(201)
    const mail = h.graph.control.deliverMail({
      toUserId: ALICE.id,
      from: { name: 'Customer', address: 'customer@example.com' },
      subject: 'Refund',
      html: '<p>Please <b>refund</b></p>',
    })
    const list = (await (
      await h.call('GET', `/users/${ALICE.id}/mailFolders/inbox/messages?$top=5`)
    ).json()) as { value: Array<{ id: string }> }
    expect(list.value.map((m) => m.id)).toEqual([mail.id])
    const text = await h.call('GET', `/users/${ALICE.id}/messages/${mail.id}`, {
      headers: { prefer: 'outlook.body-content-type="text"' },
    })
    expect(text.headers.get('preference-applied')).toBe('outlook.body-content-type="text"')
    expect(await text.json()).toMatchObject({
      body: { contentType: 'text', content: 'Please refund' },
      isRead: false,
    })
    expect(
      (await h.call('PATCH', `/users/${ALICE.id}/messages/${mail.id}`, { body: { subject: 'x' } }))
        .status,
    ).toBe(400)
    const read = await h.call('PATCH', `/users/${ALICE.id}/messages/${mail.id}`, {
      body: { isRead: true },
    })
    expect(await read.json()).toMatchObject({ isRead: true })
    await h.graph.control.idle()
    const changes = hook
      .notifications()
      .map((n) => n.json<{ value: Array<{ changeType: string; resource: string }> }>().value[0]!)
    expect(changes).toEqual([
      expect.objectContaining({
        changeType: 'created',
        resource: `Users/${ALICE.id}/Messages/${mail.id}`,
      }),
      expect.objectContaining({ changeType: 'updated' }),
    ])
    // A delegated caller reads only its own mailbox.
    const bob = await h.userToken(BOB)
    expect((await h.call('GET', `/users/${ALICE.id}/messages`, { token: bob })).status).toBe(403)
  } finally {
    await hook.close()
  }
})
