import { readFileSync } from 'node:fs'
import { Server as TlsServer } from 'node:tls'

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'

import type { Fault, FaultInjector } from './faults.ts'

export interface Listening {
  readonly url: string
  close(): Promise<void>
}

/**
 * A Fastify instance that keeps the raw body (signatures cover exact bytes). `https: true` serves
 * TLS with the test-only certificate from `emulatorTls()` (MSAL refuses plain-HTTP authorities).
 */
export function createEmulatorApp(
  options: { bodyLimit?: number; https?: boolean } = {},
): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? 10 * 1024 * 1024
  const app = options.https
    ? (Fastify({ logger: false, bodyLimit, https: emulatorTls() }) as unknown as FastifyInstance)
    : Fastify({ logger: false, bodyLimit })
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
  const scheme = app.server instanceof TlsServer ? 'https' : 'http'
  return { url: `${scheme}://${host}:${actualPort}`, close: () => app.close() }
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
