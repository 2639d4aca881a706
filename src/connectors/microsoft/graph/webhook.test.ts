import {
  constants,
  createCipheriv,
  createHmac,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
} from 'node:crypto'

import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'

import { AuthenticationError, InvalidInputError } from '../../../core/errors.ts'
import { integrationId } from '../../../core/model/ids.ts'
import type { Integration } from '../../../core/model/integration.ts'
import type { JsonObject } from '../../../core/model/json.ts'
import type { RawRequest } from '../../../core/ports/connector.ts'
import { createGraphWebhookRoutes } from './webhook.ts'

const TENANT = '84bd8158-6d4d-4958-8b9f-9d6445542f95'
const CLIENT_ID = '8e460676-ae3f-4b1e-8790-ee0fb5d6148f'
const PUBLISHER = '0bf30f3b-4a52-48df-9a82-234910c4a086'
const CHAT =
  '19:8ea0e38b-efb3-4757-924a-5f94061cf8c2_97f62344-57dc-409c-88ad-c4af14158ff5@unq.gbl.spaces'

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const secrets = new Map<string, string>([
  ['graph-client-state', 'SecretClientState'],
  ['graph-private-key', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
])

let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']
let routes: ReturnType<typeof createGraphWebhookRoutes>
/** Routes whose verifier checks the signature only, to show our own claim checks hold. */
let laxRoutes: ReturnType<typeof createGraphWebhookRoutes>

beforeAll(async () => {
  const pair = await generateKeyPair('RS256')
  signingKey = pair.privateKey
  const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1' }] })
  const deps = {
    secrets: {
      get: async (name: string) =>
        secrets.get(name) ?? Promise.reject(new Error(`no secret ${name}`)),
      reload: async (name: string) => secrets.get(name) ?? '',
    },
    clock: { now: () => new Date('2026-01-01T00:00:00Z') },
  }
  routes = createGraphWebhookRoutes({
    ...deps,
    tokenVerifier: () => async (token, expect) =>
      (await jwtVerify(token, jwks, { issuer: [...expect.issuer], audience: expect.audience }))
        .payload,
  })
  laxRoutes = createGraphWebhookRoutes({
    ...deps,
    tokenVerifier: () => async (token) => (await jwtVerify(token, jwks)).payload,
  })
})

const integration: Integration = {
  id: integrationId('int-1'),
  kind: 'microsoft-teams',
  name: 'Teams',
  enabled: true,
  createdAt: new Date(),
  updatedAt: new Date(),
  settings: {
    tenantId: TENANT,
    clientId: CLIENT_ID,
    clientSecretName: 'graph-secret',
    notifications: {
      clientStateName: 'graph-client-state',
      includeResourceData: true,
      encryptionCertificateId: 'cert-1',
      encryptionPrivateKeyName: 'graph-private-key',
    },
  },
}

const request = (body: unknown, url = 'https://bridge.test/webhooks/x'): RawRequest => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  query: {},
  rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  url,
})

/** What Graph does to a resource (change-notifications-with-resource-data). */
function encrypt(resource: unknown) {
  const key = randomBytes(32)
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  const data = Buffer.concat([cipher.update(JSON.stringify(resource)), cipher.final()])
  return {
    data: data.toString('base64'),
    dataKey: publicEncrypt(
      { key: rsa.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      key,
    ).toString('base64'),
    dataSignature: createHmac('sha256', key).update(data).digest('base64'),
    encryptionCertificateId: 'cert-1',
    encryptionCertificateThumbprint: '07293748CC064953A3052FB978C735FB89E61C3D',
  }
}

const validationToken = (claims: JsonObject = {}) =>
  new SignJWT({
    aud: CLIENT_ID,
    iss: `https://sts.windows.net/${TENANT}/`,
    appid: PUBLISHER,
    tid: TENANT,
    ver: '1.0',
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(signingKey)

// The decrypted chatMessage of concepts/teams-changenotifications-chatmessage.md.
const docsMessage = {
  id: '1612289992105',
  replyToId: null,
  etag: '1612289992105',
  messageType: 'message',
  createdDateTime: '2021-02-02T18:19:52Z',
  lastModifiedDateTime: '2021-02-02T18:19:52.105Z',
  deletedDateTime: null,
  chatId: CHAT,
  from: {
    application: null,
    device: null,
    user: {
      id: '8ea0e38b-efb3-4757-924a-5f94061cf8c2',
      displayName: 'Ramjot Singh',
      userIdentityType: 'aadUser',
    },
  },
  body: { contentType: 'text', content: 'test' },
  attachments: [],
  mentions: [],
}

async function richBody(claims: JsonObject = {}, message: unknown = docsMessage) {
  return {
    value: [
      {
        subscriptionId: '10493aa0-4d29-4df5-bc0c-ef742cc6cd7f',
        changeType: 'created',
        clientState: 'SecretClientState',
        subscriptionExpirationDateTime: '2021-02-02T10:30:34.9097561-08:00',
        resource: `chats('${CHAT}')/messages('1612289992105')`,
        resourceData: {
          id: '1612289992105',
          '@odata.type': '#Microsoft.Graph.chatMessage',
          '@odata.id': `chats('${CHAT}')/messages('1612289992105')`,
        },
        encryptedContent: encrypt(message),
        tenantId: TENANT,
      },
    ],
    validationTokens: [await validationToken(claims)],
  }
}

const accept = async (body: unknown, lax = false) => {
  const route = (lax ? laxRoutes : routes)[0]!
  const req = request(body)
  await route.verify(req, integration)
  return route.parse(req, integration)
}

describe('graph webhook handshake', () => {
  it('echoes the URL-decoded validation token as text/plain, + as space', () => {
    const url =
      'https://bridge.test/webhooks/microsoft-teams/int-1/notifications?validationToken=Validation%3a+Testing+client+application+reachability+for+subscription+Request-Id%3a+336960d6-2589-9366-b34e-2f45c1379c9f'
    const response = routes[0]!.handshake!({ ...request(''), url })
    expect(response).toEqual({
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: 'Validation: Testing client application reachability for subscription Request-Id: 336960d6-2589-9366-b34e-2f45c1379c9f',
    })
  })

  it('lets ordinary notifications through and refuses tokens with markup', () => {
    expect(routes[1]!.handshake!(request(''))).toBeUndefined()
    const url = 'https://bridge.test/x?validationToken=%3Cscript%3E'
    expect(routes[1]!.handshake!({ ...request(''), url })?.status).toBe(400)
  })
})

describe('graph webhook notifications', () => {
  it('turns the basic channel-message notification of the docs into message.notified', async () => {
    const resource = `chats('${CHAT}')/messages('1612293113399')`
    const envelopes = await accept({
      value: [
        {
          subscriptionId: '9f9d1ed0-c9cc-42e7-8d80-a7fc4b0cda3c',
          changeType: 'created',
          tenantId: TENANT,
          clientState: 'SecretClientState',
          subscriptionExpirationDateTime: '2021-02-02T11:26:41.0537895-08:00',
          resource,
          resourceData: {
            id: '1612293113399',
            '@odata.type': '#Microsoft.Graph.chatMessage',
            '@odata.id': resource,
          },
        },
      ],
    })
    expect(envelopes).toEqual([
      {
        dedupeKey: `graph:${CHAT}:1612293113399:created`,
        address: expect.objectContaining({ key: CHAT, integrationId: 'int-1' }),
        occurredAt: '2026-01-01T00:00:00.000Z',
        event: { type: 'message.notified', resource, changeType: 'created' },
      },
    ])
  })

  it('refuses a body whose clientState differs from the secret', async () => {
    const body = await richBody()
    body.value[0]!.clientState = 'SecretClientStatf'
    await expect(accept(body)).rejects.toBeInstanceOf(AuthenticationError)
  })

  it('refuses malformed bodies with InvalidInputError', async () => {
    await expect(accept('{not json')).rejects.toBeInstanceOf(InvalidInputError)
    await expect(accept({ value: [{ changeType: 'created' }] })).rejects.toBeInstanceOf(
      InvalidInputError,
    )
  })

  it('decrypts a rich notification into message.created', async () => {
    const [envelope] = await accept(await richBody())
    expect(envelope).toMatchObject({
      dedupeKey: `graph:${CHAT}:1612289992105:created`,
      occurredAt: '2021-02-02T18:19:52.000Z',
      event: {
        type: 'message.created',
        message: {
          remoteMessageId: '1612289992105',
          text: 'test',
          sender: {
            role: 'customer',
            displayName: 'Ramjot Singh',
            aadObjectId: '8ea0e38b-efb3-4757-924a-5f94061cf8c2',
            tenantId: TENANT,
          },
        },
      },
    })
  })

  it('refuses rich content whose dataSignature was tampered with', async () => {
    const body = await richBody()
    const content = body.value[0]!.encryptedContent
    const signature = Buffer.from(content.dataSignature, 'base64')
    signature[0] = signature[0]! ^ 1
    content.dataSignature = signature.toString('base64')
    await expect(accept(body)).rejects.toThrow(/data signature/)
  })

  it.each([
    ['audience', { aud: 'another-app' }, /another app/],
    ['issuer', { iss: 'https://sts.windows.net/another-tenant/' }, /issuer/],
    ['publisher appid', { appid: CLIENT_ID }, /Graph change notifications/],
    ['tenant', { tid: 'another-tenant', iss: 'https://sts.windows.net/another-tenant/' }, /tenant/],
  ])('refuses a validation token with the wrong %s', async (_name, claims, message) => {
    const body = await richBody(claims)
    await expect(accept(body)).rejects.toBeInstanceOf(AuthenticationError)
    const error = await accept(body, true).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(String(error)).toMatch(message)
  })

  it('refuses a validation token signed by another key', async () => {
    const body = await richBody()
    const other = await generateKeyPair('RS256')
    body.validationTokens = [
      await new SignJWT({
        aud: CLIENT_ID,
        iss: `https://sts.windows.net/${TENANT}/`,
        appid: PUBLISHER,
        tid: TENANT,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setExpirationTime('1h')
        .sign(other.privateKey),
    ]
    await expect(accept(body)).rejects.toThrow(/validation token is invalid/)
  })

  it('accepts a v2 token naming the publisher in azp', async () => {
    const claims = {
      appid: null,
      azp: PUBLISHER,
      iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    }
    await expect(accept(await richBody(claims))).resolves.toHaveLength(1)
  })

  it('refuses rich notifications without validation tokens', async () => {
    const body = { ...(await richBody()), validationTokens: [] }
    await expect(accept(body)).rejects.toBeInstanceOf(AuthenticationError)
  })

  it('maps lifecycle events on either route', async () => {
    const envelopes = await routes[1]!.parse(
      request({
        value: [
          {
            subscriptionId: 'sub-1',
            subscriptionExpirationDateTime: '2019-03-20T11:00:00.0000000Z',
            tenantId: TENANT,
            clientState: 'SecretClientState',
            lifecycleEvent: 'reauthorizationRequired',
          },
        ],
      }),
      integration,
    )
    expect(envelopes[0]?.event).toEqual({
      type: 'subscription.lifecycle',
      subscriptionId: 'sub-1',
      lifecycle: 'reauthorizationRequired',
    })
  })
})
