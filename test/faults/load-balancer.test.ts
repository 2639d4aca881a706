import { createServer, type RequestListener, type Server } from 'node:http'

import { afterEach, describe, expect, it } from 'vitest'

import { freePort } from '../support/private-services.ts'
import { LoadBalancer } from './load-balancer.ts'

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

/** A backend that records the bodies it received and answers with `handler`. */
async function backend(handler: RequestListener) {
  const bodies: string[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      bodies.push(body)
      handler(req, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  closers.push(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  return { url: `http://127.0.0.1:${port}`, bodies }
}

const answering =
  (status: number, text: string): RequestListener =>
  (_req, res) =>
    res.writeHead(status).end(text)

async function balancer(backends: string[]) {
  const lb = new LoadBalancer(backends)
  const port = await freePort()
  await lb.listen(port)
  closers.push(() => lb.close())
  const post = async (body: string) => {
    const response = await fetch(`http://127.0.0.1:${port}/webhooks/x`, { method: 'POST', body })
    return { status: response.status, text: await response.text() }
  }
  return { lb, post }
}

describe('fault suite load balancer', () => {
  it('passes a request refused by a dead backend to the next one and skips the dead one', async () => {
    const live = await backend(answering(202, 'live'))
    const dead = `http://127.0.0.1:${await freePort()}`
    const { lb, post } = await balancer([dead, live.url])
    for (let i = 0; i < 4; i += 1)
      expect(await post(`m${i}`)).toEqual({ status: 202, text: 'live' })
    expect(live.bodies).toEqual(['m0', 'm1', 'm2', 'm3'])
    // Refused once, then left out of the rotation for a while.
    expect(lb.retried).toBe(1)
  })

  it('sends a request cut before its answer, or answered 503, to the other backend', async () => {
    for (const failing of [
      (_req: unknown, res: { socket: { destroy(): void } | null }) => res.socket?.destroy(),
      answering(503, 'restarting'),
    ] as RequestListener[]) {
      const bad = await backend(failing)
      const good = await backend(answering(202, 'good'))
      const { lb, post } = await balancer([bad.url, good.url])
      expect(await post('hello')).toEqual({ status: 202, text: 'good' })
      expect(bad.bodies).toEqual(['hello'])
      expect(good.bodies).toEqual(['hello'])
      expect(lb.retried).toBe(1)
    }
  })

  it('answers 503 when every backend does, and 502 when none answers', async () => {
    const a = await backend(answering(503, 'a'))
    const b = await backend(answering(503, 'b'))
    const both = await balancer([a.url, b.url])
    expect((await both.post('x')).status).toBe(503)
    const none = await balancer([
      `http://127.0.0.1:${await freePort()}`,
      `http://127.0.0.1:${await freePort()}`,
    ])
    expect((await none.post('x')).status).toBe(502)
    expect(Object.fromEntries(none.lb.statuses)).toEqual({ 502: 1 })
  })
})
