import { afterEach, expect, test } from 'vitest'

import { type Harness, startHarness } from './testing/harness.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.graph.close()
})

test('more than 20 chat-message reads per second per app get 429 with Retry-After', async () => {
  h = await startHarness()
  const statuses: number[] = []
  let throttled: Response | undefined
  for (let i = 0; i < 21; i += 1) {
    const res = await h.call('GET', `/chats/${h.chatId}/messages`)
    statuses.push(res.status)
    if (res.status === 429) throttled = res
  }
  expect(statuses.filter((s) => s === 200)).toHaveLength(20)
  expect(throttled!.headers.get('retry-after')).toMatch(/^\d+$/)
  expect(await throttled!.json()).toMatchObject({
    error: {
      code: 'TooManyRequests',
      message: 'Please retry again later.',
      innerError: { code: '429', status: '429' },
    },
  })
  // Another request class has its own budget, and the window passes with time.
  expect((await h.call('GET', '/users')).status).toBe(200)
  h.clock.advance(1000)
  expect((await h.call('GET', `/chats/${h.chatId}/messages`)).status).toBe(200)
})

test('a throttle fault answers 429 for its period, then lets calls through', async () => {
  h = await startHarness()
  h.graph.control.throttle({
    percent: 100,
    retryAfterSeconds: 7,
    durationMs: 60_000,
    route: 'chats.messages.list',
  })
  const res = await h.call('GET', `/chats/${h.chatId}/messages`)
  expect(res.status).toBe(429)
  expect(res.headers.get('retry-after')).toBe('7')
  expect((await h.call('GET', `/chats/${h.chatId}`)).status).toBe(200)
  h.clock.advance(60_000)
  expect((await h.call('GET', `/chats/${h.chatId}/messages`)).status).toBe(200)
})

test('route faults: 503 once, then normal', async () => {
  h = await startHarness()
  h.graph.control.addFault({ route: 'subscriptions.list', status: 503, retryAfterSeconds: 3 })
  const failed = await h.call('GET', '/subscriptions')
  expect(failed.status).toBe(503)
  expect(failed.headers.get('retry-after')).toBe('3')
  expect(((await failed.json()) as { error: { code: string } }).error.code).toBe(
    'ServiceUnavailable',
  )
  expect((await h.call('GET', '/subscriptions')).status).toBe(200)
})

test('the HTTP control API sets the same faults', async () => {
  h = await startHarness()
  const res = await fetch(`${h.graph.origin}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ route: '*', status: 500 }),
  })
  expect(res.status).toBe(200)
  expect((await h.call('GET', '/users')).status).toBe(500)
})
