import { afterAll, beforeAll, expect, test } from 'vitest'

import { EmulatorClock } from '../kit/clock.ts'
import { type GenesysEmulator, startGenesysEmulator } from './index.ts'
import { getToken, inboundMessage, inboundPath, postJson, testSeed } from './test-helpers.ts'

let genesys: GenesysEmulator
const clock = new EmulatorClock()

beforeAll(async () => {
  genesys = await startGenesysEmulator({ clock, seed: testSeed('http://127.0.0.1:9/hook') })
})
afterAll(() => genesys.close())

const send = (token: string) =>
  postJson(inboundPath(genesys.url, 'event'), token, {
    channel: { from: { id: 'c', idType: 'Opaque' }, time: '2024-05-01T13:01:15.000Z' },
    events: [{ eventType: 'Typing' }],
  })

test('300 requests per token per minute, then 429 with Retry-After until the window resets', async () => {
  const token = await getToken(genesys.url)
  clock.advance(10_000)
  for (let i = 1; i <= 300; i += 1) {
    const response = await send(token)
    expect(response.status).toBe(200)
    if (i === 1 || i === 300) {
      expect(response.headers.get('inin-ratelimit-count')).toBe(String(i))
      expect(response.headers.get('inin-ratelimit-allowed')).toBe('300')
    }
  }
  clock.advance(20_000)
  const limited = await send(token)
  expect(limited.status).toBe(429)
  // The window started with the first request; real time also passes while the test runs.
  const retryAfter = Number(limited.headers.get('retry-after'))
  expect(retryAfter).toBeGreaterThanOrEqual(35)
  expect(retryAfter).toBeLessThanOrEqual(40)
  expect(await limited.json()).toMatchObject({
    code: 'too.many.requests.retry.after',
    status: 429,
    message: `Rate limit exceeded the maximum. Retry the request in [${retryAfter}] seconds`,
  })
  clock.advance((retryAfter - 2) * 1000)
  expect((await send(token)).status).toBe(429)

  const other = await getToken(genesys.url)
  expect((await send(other)).status).toBe(200)

  clock.advance(2_000)
  expect((await send(token)).status).toBe(200)
})

test('the limit can be lowered or turned off through control', async () => {
  const token = await getToken(genesys.url)
  genesys.control.setRateLimit({ perMinute: 2 })
  expect((await send(token)).status).toBe(200)
  expect((await send(token)).status).toBe(200)
  expect((await send(token)).status).toBe(429)
  genesys.control.setRateLimit({ enabled: false })
  expect((await send(token)).status).toBe(200)
  const message = await postJson(
    inboundPath(genesys.url, 'message'),
    token,
    inboundMessage('x', 'y'),
  )
  expect(message.status).toBe(200)
  genesys.control.setRateLimit({ enabled: true, perMinute: 300 })
})
