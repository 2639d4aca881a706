import { randomUUID } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { eventuallyFound, startWebhookHarness, type WebhookHarness } from './webhook-harness.ts'
import { botUser } from './webhook-requests.ts'

const EVIL_NAME = '<img src=x onerror=alert(1)>'
const EVIL_TEXT = 'hi \u0000\u202e<script>alert(1)</script> there'
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

/** Text a plain-text or markdown reader shows as text: no control characters, no live tag. */
function expectInert(text: string | undefined) {
  expect(text ?? '').not.toMatch(CONTROL)
  // A tag opener is only allowed escaped (`\<script>` in markdown).
  expect(text ?? '').not.toMatch(/(?<!\\)<[a-z!/?]/i)
}

/** A name shown as plain text: no markup at all, no control characters. */
function expectPlainName(name: string | undefined) {
  expect(name ?? '').not.toMatch(CONTROL)
  expect(name ?? '').not.toMatch(/[<>]/)
}

describe('names and text with HTML or control characters come out safe on both sides', () => {
  let h: WebhookHarness
  beforeAll(async () => {
    h = await startWebhookHarness()
  })
  afterAll(async () => h?.close())

  const lastInGenesys = (marker: string) =>
    eventuallyFound(`"${marker}" in Genesys`, () =>
      h.s.genesys.control.received().find((m) => m.text?.includes(marker)),
    )

  it('Teams (bot) → Genesys: the name and text arrive without markup or control characters', async () => {
    await h.s.botframework.control.userSends({
      user: botUser(h.s, EVIL_NAME, randomUUID()),
      text: `${EVIL_TEXT} (bot)`,
    })
    const received = await lastInGenesys('(bot)')
    expectInert(received.text)
    expect(received.text).toContain('hi')
    const { firstName, lastName, nickname } = received.from
    for (const name of [firstName, lastName, nickname]) expectPlainName(name)
  })

  it('Teams (bot) → Genesys: a name mixing words and markup keeps only the words', async () => {
    await h.s.botframework.control.userSends({
      user: botUser(h.s, 'Eve\u0000 <b onclick="x()">Evil</b>\u202e <script>', randomUUID()),
      text: 'my name is odd (mixed)',
    })
    const received = await lastInGenesys('(mixed)')
    expect(received.from).toMatchObject({
      firstName: 'Eve',
      lastName: 'Evil',
      nickname: 'Eve Evil',
    })
  })

  it('Teams (Graph chat) → Genesys: a hostile display name and HTML body arrive inert', async () => {
    h.s.graph.control.addUsers([
      { id: h.s.demo.customer.id, displayName: EVIL_NAME, upn: h.s.demo.customer.upn },
    ])
    h.s.graph.control.userSends({
      chatId: h.s.demo.chatId,
      userId: h.s.demo.customer.id,
      html: `<p>${EVIL_TEXT.replace('<script>', '&lt;script&gt;')} (html)</p><script>alert(2)</script><img src="x" onerror="alert(3)"><a href="javascript:alert(4)">link</a><iframe src="https://evil.example"></iframe>`,
    })
    const received = await lastInGenesys('(html)')
    expectInert(received.text)
    expect(received.text).not.toMatch(/alert\([234]\)|javascript:|evil\.example/)
    const { firstName, lastName, nickname } = received.from
    for (const name of [firstName, lastName, nickname]) expectPlainName(name)

    h.s.graph.control.userSends({
      chatId: h.s.demo.chatId,
      userId: h.s.demo.customer.id,
      text: `${EVIL_TEXT} (text)`,
    })
    expectInert((await lastInGenesys('(text)')).text)
  })

  it('Genesys → Teams (Graph chat): agent HTML is escaped in the stored message body', async () => {
    const toId = h.s.genesys.control.received().at(-1)!.from.id
    await h.s.genesys.control.agentSends({
      integrationId: h.s.demo.genesys.integrationId,
      toId,
      text: '**bold** <img src=x onerror=alert(1)> <script>alert(2)</script> [click](javascript:alert(3)) \u0000\u202e (agent)',
    })
    const stored = await eventuallyFound('agent message in Teams', () =>
      h.s.graph.control
        .messages(h.s.demo.chatId)
        .find(
          (m) =>
            m.from?.user?.id === h.s.demo.serviceAccount.id && m.body.content.includes('(agent)'),
        ),
    )
    const html = stored.body.content
    expect(html).not.toMatch(CONTROL)
    expect(html).not.toMatch(/<(img|script|iframe)\b/i)
    expect(html).not.toMatch(/href="javascript:/i)
    // The agent's words are kept, as text: markup escaped, markdown rendered.
    expect(html).toContain('&lt;img')
    expect(html).toContain('<strong>bold</strong>')
  })
})
