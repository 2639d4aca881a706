import { readFileSync } from 'node:fs'

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'

import type { Fault, FaultInjector } from './faults.ts'

export interface Listening {
  readonly url: string
  close(): Promise<void>
}

/** A Fastify instance that keeps the raw body (signatures cover exact bytes). */
export function createEmulatorApp(options: { bodyLimit?: number } = {}): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? 10 * 1024 * 1024 })
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))
  return app
}

export async function listen(
  app: FastifyInstance,
  port = 0,
  host = '127.0.0.1',
): Promise<Listening> {
  await app.listen({ port, host })
  const address = app.server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  return { url: `http://${host}:${actualPort}`, close: () => app.close() }
}

export function rawBody(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
}

/** Parses a JSON body; undefined when it is not valid JSON. */
export function jsonBody(req: FastifyRequest): unknown {
  const raw = rawBody(req)
  if (raw.length === 0) return undefined
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch {
    return undefined
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Applies an injected fault. Returns true when the reply was handled (the route must stop).
 * Latency-only faults delay and let the route continue.
 */
export async function applyFault(
  faults: FaultInjector,
  route: string,
  reply: FastifyReply,
  defaultBody: (fault: Fault) => unknown = (f) => ({ error: 'injected fault', status: f.status }),
): Promise<boolean> {
  const fault = faults.take(route)
  if (!fault) return false
  if (fault.latencyMs) await sleep(fault.latencyMs)
  if (fault.drop) {
    reply.raw.destroy()
    return true
  }
  if (!fault.status) return false
  if (fault.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(fault.retryAfterSeconds))
  await reply.code(fault.status).send(fault.body ?? defaultBody(fault))
  return true
}

/** The test-only certificate in ./tls, for emulators that must speak HTTPS. */
export function emulatorTls(): { key: Buffer; cert: Buffer } {
  const dir = new URL('./tls/', import.meta.url)
  return {
    key: readFileSync(new URL('key.pem', dir)),
    cert: readFileSync(new URL('cert.pem', dir)),
  }
}
