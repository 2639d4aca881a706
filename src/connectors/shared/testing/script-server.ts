import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach } from 'vitest'

export interface SeenRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

/** Answers one call: the n-th call (0-based) to this path. */
export type Scripted = (res: ServerResponse, n: number, req: SeenRequest) => void | Promise<void>

/** A node:http server on 127.0.0.1:0 answering each path from a script; records every call. */
export async function startScriptServer(routes: Record<string, Scripted>) {
  const seen: SeenRequest[] = []
  const counts = new Map<string, number>()
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const call = {
      method: req.method ?? '',
      path,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    }
    seen.push(call)
    const n = counts.get(path) ?? 0
    counts.set(path, n + 1)
    const route = routes[path]
    if (!route) return void res.writeHead(404).end()
    await route(res, n, call)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    hits: (path: string) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export const json = (res: ServerResponse, status: number, body: unknown, headers = {}) =>
  void res
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(JSON.stringify(body))

/** A starter whose servers are all closed after each test of the calling file. */
export function scriptServers() {
  const open: Array<{ close(): Promise<void> }> = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()))
  })
  return async (routes: Record<string, Scripted>) => {
    const server = await startScriptServer(routes)
    open.push(server)
    return server
  }
}
