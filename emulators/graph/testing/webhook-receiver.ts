import { createServer, type IncomingMessage } from 'node:http'

export interface ReceivedRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly contentType: string | undefined
  readonly body: string
  json<T = Record<string, unknown>>(): T
}

export interface Answer {
  status: number
  body?: string
  contentType?: string
  delayMs?: number
}

/** How the receiver answers; the default echoes validation tokens and accepts notifications. */
export type Responder = (req: ReceivedRequest) => Answer

export const politeResponder: Responder = (req) => {
  const token = req.query.get('validationToken')
  if (token !== null) return { status: 200, body: token, contentType: 'text/plain' }
  return { status: 202 }
}

/** A real HTTP subscriber endpoint on 127.0.0.1 that records what Graph sends it. */
export interface WebhookReceiver {
  readonly url: string
  readonly received: ReceivedRequest[]
  respond(responder: Responder): void
  notifications(): ReceivedRequest[]
  close(): Promise<void>
}

export async function startReceiver(
  responder: Responder = politeResponder,
): Promise<WebhookReceiver> {
  let current = responder
  const received: ReceivedRequest[] = []
  const server = createServer((req, res) => {
    void readBody(req).then(async (body) => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const record: ReceivedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        contentType: req.headers['content-type'],
        body,
        json: <T>() => JSON.parse(body) as T,
      }
      received.push(record)
      const answer = current(record)
      if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs))
      res.writeHead(answer.status, answer.contentType ? { 'content-type': answer.contentType } : {})
      res.end(answer.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    respond: (next) => {
      current = next
    },
    notifications: () => received.filter((r) => !r.query.has('validationToken')),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
