import {
  constants,
  createDecipheriv,
  createHmac,
  privateDecrypt,
  timingSafeEqual,
  X509Certificate,
} from 'node:crypto'
import { readFileSync } from 'node:fs'

import { jwtVerify } from 'jose'
import { afterEach, beforeEach, expect, test } from 'vitest'

import { GRAPH_CHANGE_TRACKING_APP_ID } from './index.ts'
import {
  ALICE,
  APP,
  chatSubscription,
  type Harness,
  inMinutes,
  startHarness,
  TENANT,
} from './testing/harness.ts'
import { startReceiver, type WebhookReceiver } from './testing/webhook-receiver.ts'

// The kit's test key pair stands in for the subscriber's encryption certificate.
const tls = new URL('../kit/tls/', import.meta.url)
const certificate = new X509Certificate(readFileSync(new URL('cert.pem', tls)))
const privateKey = readFileSync(new URL('key.pem', tls), 'utf8')
const encryption = {
  includeResourceData: true,
  encryptionCertificate: certificate.raw.toString('base64'),
  encryptionCertificateId: 'kit-cert',
}

interface Encrypted {
  data: string
  dataKey: string
  dataSignature: string
  encryptionCertificateId: string
  encryptionCertificateThumbprint: string
}

/** What a subscriber does, per the Graph docs: unwrap the key, check the HMAC, then decrypt. */
function decrypt(content: Encrypted): unknown {
  const key = privateDecrypt(
    { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(content.dataKey, 'base64'),
  )
  const data = Buffer.from(content.data, 'base64')
  const signature = createHmac('sha256', key).update(data).digest()
  expect(timingSafeEqual(signature, Buffer.from(content.dataSignature, 'base64'))).toBe(true)
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16))
  return JSON.parse(Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8'))
}

let h: Harness
let hook: WebhookReceiver
beforeEach(async () => {
  h = await startHarness()
  hook = await startReceiver()
})
afterEach(async () => {
  await h.graph.close()
  await hook.close()
})

test('a rich chat notification decrypts to the message GET returns, with valid validationTokens', async () => {
  const res = await h.call('POST', '/subscriptions', {
    body: chatSubscription(h, hook.url, { clientState: 'rich', ...encryption }),
  })
  expect(res.status).toBe(201)
  expect(await res.json()).toMatchObject({
    encryptionCertificate: null,
    encryptionCertificateId: 'kit-cert',
  })
  const sent = h.graph.control.userSends({
    chatId: h.chatId,
    userId: ALICE.id,
    html: '<p>see <b>this</b></p>',
  })
  await h.graph.control.idle()

  const body = hook.notifications()[0]!.json<{
    value: Array<{ encryptedContent: Encrypted; resourceData: { id: string }; clientState: string }>
    validationTokens: string[]
  }>()
  const item = body.value[0]!
  expect(item.clientState).toBe('rich')
  expect(item.encryptedContent.encryptionCertificateId).toBe('kit-cert')
  expect(item.encryptedContent.encryptionCertificateThumbprint).toBe(
    certificate.fingerprint.replaceAll(':', ''),
  )
  const decrypted = decrypt(item.encryptedContent) as Record<string, unknown>
  const fetched = (await (
    await h.call('GET', `/chats/${h.chatId}/messages/${sent.id}`)
  ).json()) as Record<string, unknown>
  delete fetched['@odata.context']
  expect(decrypted).toEqual(fetched)
  expect(decrypted).toMatchObject({
    id: sent.id,
    body: { contentType: 'html', content: '<p>see <b>this</b></p>' },
  })

  expect(body.validationTokens).toHaveLength(1)
  const { payload } = await jwtVerify(body.validationTokens[0]!, h.jwks, {
    audience: APP,
    issuer: `https://sts.windows.net/${TENANT}/`,
  })
  expect(payload).toMatchObject({
    appid: GRAPH_CHANGE_TRACKING_APP_ID,
    azp: GRAPH_CHANGE_TRACKING_APP_ID,
    tid: TENANT,
    ver: '1.0',
  })
})

test('every item gets its own symmetric key', async () => {
  await h.call('POST', '/subscriptions', {
    body: chatSubscription(h, hook.url, encryption),
  })
  h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text: 'same' })
  h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text: 'same' })
  await h.graph.control.idle()
  const keys = hook
    .notifications()
    .map(
      (n) =>
        n.json<{ value: Array<{ encryptedContent: Encrypted }> }>().value[0]!.encryptedContent
          .dataKey,
    )
  expect(keys).toHaveLength(2)
  expect(keys[0]).not.toBe(keys[1])
})

test('notifications waiting for a busy endpoint share the next POST, with one token per app and tenant', async () => {
  await h.call('POST', '/subscriptions', { body: chatSubscription(h, hook.url, encryption) })
  let first = true
  hook.respond(() => {
    const delayMs = first ? 300 : 0
    first = false
    return { status: 202, delayMs }
  })
  const sent = ['a', 'b', 'c', 'd', 'e'].map((text) =>
    h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text }),
  )
  await h.graph.control.idle()
  const bodies = hook
    .notifications()
    .map((n) =>
      n.json<{ value: Array<{ resourceData: { id: string } }>; validationTokens: string[] }>(),
    )
  expect(bodies.map((b) => b.value.length)).toEqual([1, 4])
  expect(bodies.flatMap((b) => b.value.map((v) => v.resourceData.id))).toEqual(
    sent.map((m) => m.id),
  )
  expect(bodies[1]!.validationTokens).toHaveLength(1)
  const delivered = h.graph.control.deliveries().filter((d) => d.kind === 'notification')
  expect(delivered.map((d) => d.outcome)).toEqual(Array(5).fill('delivered'))
  expect(
    delivered.map((d) => (d.item as { resourceData: { id: string } }).resourceData.id),
  ).toEqual(sent.map((m) => m.id))
})

test('rich Outlook notifications need $select and carry only the selected properties', async () => {
  const alice = await h.userToken(ALICE)
  const base = {
    changeType: 'created',
    notificationUrl: hook.url,
    expirationDateTime: inMinutes(h.clock, 60),
    ...encryption,
  }
  const noSelect = await h.call('POST', '/subscriptions', {
    token: alice,
    body: { ...base, resource: "me/mailFolders('inbox')/messages" },
  })
  expect(noSelect.status).toBe(400)
  const tooLong = await h.call('POST', '/subscriptions', {
    token: alice,
    body: {
      ...base,
      resource: 'me/messages?$select=subject',
      expirationDateTime: inMinutes(h.clock, 1441),
    },
  })
  expect(tooLong.status).toBe(400)
  const ok = await h.call('POST', '/subscriptions', {
    token: alice,
    body: {
      ...base,
      resource: "me/mailFolders('inbox')/messages?$select=subject,receivedDateTime",
    },
  })
  expect(ok.status).toBe(201)
  const mail = h.graph.control.deliverMail({
    toUserId: ALICE.id,
    from: { name: 'Customer', address: 'customer@example.com' },
    subject: 'Order 17',
    html: '<p>Where is it?</p>',
  })
  await h.graph.control.idle()
  const item = hook
    .notifications()[0]!
    .json<{ value: Array<{ resource: string; encryptedContent: Encrypted }> }>().value[0]!
  expect(item.resource).toBe(`Users/${ALICE.id}/Messages/${mail.id}`)
  expect(decrypt(item.encryptedContent)).toEqual({
    subject: 'Order 17',
    receivedDateTime: mail.receivedDateTime,
  })
})
