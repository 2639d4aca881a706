import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { IntegrationId } from '../../src/core/model/ids.ts'
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
})
