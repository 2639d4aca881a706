import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startTestSandbox } from '../support/sandbox.ts'

describe('sandbox: the demo AI bot and one created with the demo API key', () => {
  let s: Awaited<ReturnType<typeof startTestSandbox>>
  beforeAll(async () => {
    s = await startTestSandbox()
    s.addDemoAiBot()
  })
  afterAll(async () => s?.close())

  const alex = () => ({
    id: `29:${s.demo.customer.id}`,
    aadObjectId: s.demo.customer.id,
    name: s.demo.customer.displayName,
    tenantId: s.demo.tenantId,
    userPrincipalName: s.demo.customer.upn,
  })
  const botMessages = (appId: string) =>
    s.botframework.control
      .sent()
      .filter((a) => a.botAppId === appId && (a.activity as { type?: string }).type === 'message')
      .map((a) => (a.activity as { text?: string }).text)

  it('the demo AI bot answers with the built-in responder and remembers the session', async () => {
    const said = await s.botframework.control.userSends({
      user: alex(),
      text: 'echo streamed through the sandbox',
      botAppId: s.demo.aiBotApp.appId,
    })
    expect(said.status).toBe(202)
    await s.bridge.infra.queue.idle()
    expect(botMessages(s.demo.aiBotApp.appId)).toEqual(['streamed through the sandbox'])
    await s.botframework.control.userSends({
      user: alex(),
      text: 'history',
      botAppId: s.demo.aiBotApp.appId,
    })
    await s.bridge.infra.queue.idle()
    expect(botMessages(s.demo.aiBotApp.appId).at(-1)).toBe(
      'We have exchanged 2 messages before this one.',
    )
  })

  it('the demo API key creates a bot integration that Teams can talk to (the README walk-through)', async () => {
    const app = { appId: '99999999-0000-4000-8000-00000000abcd', secret: 'readme-bot-secret' }
    s.identity.control.addApp({ ...app, tenantId: s.demo.tenantId })
    const created = await fetch(`${s.bridge.url}/api/v1/integrations`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${s.demo.account.key}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        kind: 'microsoft-teams-bot',
        name: 'My first bot',
        settings: {
          responder: 'builtin',
          appId: app.appId,
          appSecret: app.secret,
          authorityHost: s.identity.url,
          openIdMetadataUrl: `${s.identity.url}/botframework/v1/.well-known/openidconfiguration`,
          serviceUrlHosts: [new URL(s.botframework.url).host],
        },
      }),
    })
    const body = (await created.json()) as { id: string; setup: { status: string } }
    expect(created.status).toBe(201)
    expect(body.setup.status).toBe('ok')
    s.botframework.control.addBot({
      appId: app.appId,
      endpoint: `${s.bridge.url}/webhooks/microsoft-teams-bot/${body.id}/messages`,
      name: 'My first bot',
    })
    await s.botframework.control.userSends({ user: alex(), text: 'hello', botAppId: app.appId })
    await s.bridge.infra.queue.idle()
    expect(botMessages(app.appId)).toEqual([
      'Hello Alex! I am the Sandbox assistant. Type "help" to see what I can do.',
    ])
  })
})
