import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { IntegrationId } from '../../src/core/model/ids.ts'
import { SECRETS_NAMESPACE } from '../../src/infra/secrets/secret-store.ts'
import { eventually, startTestSandbox } from '../support/sandbox.ts'

describe('service account sign-in', () => {
  let s: Awaited<ReturnType<typeof startTestSandbox>>
  beforeAll(async () => {
    s = await startTestSandbox()
  })
  afterAll(async () => s?.close())

  it('refuses anybody but the configured account and keeps the stored sign-in', async () => {
    s.identity.control.signIn(s.demo.customer.id)
    await expect(
      s.bridge.loginServiceAccount(s.demo.integrations.teams as IntegrationId),
    ).rejects.toThrow(/401/)

    // The service account's own sign-in still stands: an agent reply is posted as it.
    s.graph.control.userSends({
      chatId: s.demo.chatId,
      userId: s.demo.customer.id,
      text: 'still there?',
    })
    await eventually('message in Genesys', () => s.genesys.control.received().length === 1)
    await s.genesys.control.agentSends({
      integrationId: s.demo.genesys.integrationId,
      toId: s.genesys.control.received()[0]!.from.id,
      text: 'yes',
    })
    const posted = await eventually('reply in Teams', () =>
      s.graph.control
        .messages(s.demo.chatId)
        .find((m) => m.from?.user?.id === s.demo.serviceAccount.id),
    )
    expect(posted!.body.content).toContain('yes')
  })

  // Found by the fuzz suite (test/fuzz): every anonymous GET of /login stored a pending sign-in
  // that only a callback removed, and a callback with a forged code answered 502.
  describe('a sign-in stores nothing until it succeeds', () => {
    const login = () => `/auth/microsoft/${s.demo.integrations.teams}/login`
    const callback = (query: string, id: string = s.demo.integrations.teams) =>
      `/auth/microsoft/${id}/callback?${query}`
    const issuedState = async () => {
      const response = await s.bridge.http!.inject({ method: 'GET', url: login() })
      expect(response.statusCode).toBe(302)
      return new URL(response.headers['location'] as string).searchParams.get('state')!
    }
    // The sandbox's worker writes on its own time; the secrets are where a pending sign-in went.
    const unchanged = async (act: () => Promise<void>) => {
      const secrets = await s.bridge.infra.store.state.list(SECRETS_NAMESPACE)
      await act()
      expect(await s.bridge.infra.store.state.list(SECRETS_NAMESPACE)).toEqual(secrets)
    }

    it('opens the sign-in without a write, whoever asks and however often', async () => {
      await unchanged(async () => {
        for (let i = 0; i < 20; i++) await issuedState()
      })
    })

    it('refuses a forged, tampered or foreign state and a refused code with 401', async () => {
      const state = await issuedState()
      const tampered = `${state.slice(0, -2)}${state.endsWith('AA') ? 'BB' : 'AA'}`
      await unchanged(async () => {
        for (const url of [
          callback(`code=x&state=${encodeURIComponent(tampered)}`),
          callback(`code=x&state=${encodeURIComponent(state)}`, s.demo.integrations.bot),
          callback('code=x&state=forged'),
          // Microsoft answers invalid_grant for a code it did not issue for this verifier.
          callback(`code=0.forged-code&state=${encodeURIComponent(state)}`),
        ]) {
          const response = await s.bridge.http!.inject({ method: 'GET', url })
          expect({ url, status: response.statusCode }).toEqual({ url, status: 401 })
          expect(response.json()).toMatchObject({ code: 'AUTH_FAILED' })
        }
        const twice = await s.bridge.http!.inject({
          method: 'GET',
          url: callback(`code=a&code=b&state=${encodeURIComponent(state)}`),
        })
        expect(twice.statusCode).toBe(400)
      })
    })
  })
})
