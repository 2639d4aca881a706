import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type GenesysEmulator, startGenesysEmulator } from '../../emulators/genesys/index.ts'
import {
  type IdentityEmulator,
  startIdentityEmulator,
} from '../../emulators/microsoft-identity/index.ts'
import { type ApiHarness, as, startApiHarness } from './api-harness.ts'

// Values that must never leave the bridge: secrets, and a bot's tenant id.
const TENANT = '7e5a11e0-9d4c-4d1b-8f7a-5ec12e7a0001'
const APP = {
  appId: '7e5a11e0-aaaa-4d1b-8f7a-5ec12e7a0002',
  secret: 'Sekr3t~first~7e5a11e0',
  tenantId: TENANT,
  signInAudience: 'AzureADMyOrg' as const,
}
const WRONG_SECRET = 'Sekr3t~wrong~c0ffee'
const GENESYS_SECRET = 'Genesys~client~secret~5150'
const WEBHOOK_SECRET = 'Genesys~webhook~token~7331'

describe('admin API: no response and no log line holds a secret or a bot tenant id', () => {
  let h: ApiHarness
  let idp: IdentityEmulator
  let genesys: GenesysEmulator
  let key: string
  const bodies: string[] = []
  beforeAll(async () => {
    idp = await startIdentityEmulator({ apps: [{ ...APP }] })
    genesys = await startGenesysEmulator()
    h = await startApiHarness({
      logLevel: 'trace',
      trustedHosts: [new URL(idp.url).host, new URL(genesys.url).host],
    })
    ;({ key } = await h.account('Acme'))
  })
  afterAll(async () => {
    await h?.close()
    await idp?.close()
    await genesys?.close()
  })

  const call = async (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ) => {
    const res = await h.inject(as(key, { method, url, ...(payload && { payload }) }))
    bodies.push(`${res.statusCode} ${JSON.stringify(res.headers)} ${res.body}`)
    return res
  }

  it('goes through create, fetch, list, failed and passing setups, bad input and delete', async () => {
    const created = await call('POST', '/api/v1/integrations', {
      kind: 'microsoft-teams-bot',
      name: 'Leak check',
      settings: {
        responder: 'r',
        appId: APP.appId,
        appSecret: APP.secret,
        tenantId: TENANT,
        authorityHost: idp.url,
      },
    })
    expect(created.statusCode, created.body).toBe(201)
    const id = (created.json() as { id: string; setup: { status: string } }).id
    expect((created.json() as { setup: { status: string } }).setup.status).toBe('ok')
    await call('GET', `/api/v1/integrations/${id}`)
    await call('GET', '/api/v1/integrations')
    expect(
      (await call('PATCH', `/api/v1/integrations/${id}`, { settings: { appSecret: WRONG_SECRET } }))
        .statusCode,
    ).toBe(409)
    expect((await call('POST', `/api/v1/integrations/${id}/setup`)).statusCode).toBe(409)
    expect(
      (
        await call('PATCH', `/api/v1/integrations/${id}`, {
          settings: { appSecret: APP.secret, tenantId: 'contoso-nowhere.example' },
        })
      ).statusCode,
    ).toBe(409)
    expect(
      (await call('PATCH', `/api/v1/integrations/${id}`, { settings: { tenantId: TENANT } }))
        .statusCode,
    ).toBe(200)
    // Bad input beside a secret or tenant: the problem names fields, never values.
    expect(
      (
        await call('PATCH', `/api/v1/integrations/${id}`, {
          settings: { appSecret: APP.secret, colour: 1 },
        })
      ).statusCode,
    ).toBe(400)
    expect(
      (await call('PATCH', `/api/v1/integrations/${id}`, { settings: { tenantId: `${TENANT}!` } }))
        .statusCode,
    ).toBe(400)
    expect(
      (
        await call('PATCH', `/api/v1/integrations/${id}`, {
          settings: { appSecret: { value: APP.secret } },
        })
      ).statusCode,
    ).toBe(400)
    expect(
      (
        await call('POST', '/api/v1/integrations', {
          kind: 'microsoft-teams-bot',
          name: 'x',
          settings: { responder: 'r', appSecret: APP.secret },
          tenantId: TENANT,
        })
      ).statusCode,
    ).toBe(400)
    const created2 = await call('POST', '/api/v1/integrations', {
      kind: 'genesys-open-messaging',
      name: 'Genesys',
      settings: {
        openMessagingIntegrationId: 'om-1',
        loginBaseUrl: genesys.url,
        apiBaseUrl: genesys.url,
        clientId: 'demo-client',
        clientSecret: GENESYS_SECRET,
        webhookSecret: WEBHOOK_SECRET,
      },
    })
    expect(created2.statusCode, created2.body).toBe(201)
    // The emulator knows this client with another secret: Setup explains the refusal.
    expect(created2.json()).toMatchObject({ setup: { status: 'failed', problem: 'wrong-secret' } })
    await call('GET', `/api/v1/integrations/${id}/events`)
    expect((await call('DELETE', `/api/v1/integrations/${id}`)).statusCode).toBe(204)

    for (const value of [APP.secret, WRONG_SECRET, TENANT, GENESYS_SECRET, WEBHOOK_SECRET]) {
      for (const body of bodies) expect(body).not.toContain(value)
      for (const line of h.logs) expect(line).not.toContain(value)
    }
    expect(h.logs.length).toBeGreaterThan(10) // trace level: the HTTP client and MSAL did log
    // The database holds the secrets only encrypted.
    const sealed = JSON.stringify(await h.store.state.list('secrets'))
    for (const value of [GENESYS_SECRET, WEBHOOK_SECRET]) expect(sealed).not.toContain(value)
  })
})
