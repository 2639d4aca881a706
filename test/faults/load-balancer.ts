import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http'

/**
 * A round-robin HTTP reverse proxy in front of the web processes, as a deployment has one: a
 * backend that refuses the connection (killed, restarting) is skipped for the next; a request
 * cut mid-way (its backend killed while it ran) gets a 502, so its remote sends it again.
 */
export class LoadBalancer {
  readonly #backends: readonly string[]
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 })
  #next = 0
  #server: Server | undefined
  /** Answers per status (502: no backend could take it or one died mid-request). */
  readonly statuses = new Map<number, number>()

  constructor(backends: readonly string[]) {
    this.#backends = backends
  }

  async listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => this.#forward(req, res, Buffer.concat(chunks), 0))
    })
    this.#server = server
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  }

  #forward(req: IncomingMessage, res: ServerResponse, body: Buffer, tried: number): void {
    const backend = new URL(this.#backends[this.#next++ % this.#backends.length]!)
    const upstream = request(
      {
        host: backend.hostname,
        port: backend.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent: this.#agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
        answer.on('error', () => res.destroy())
        this.#count(answer.statusCode ?? 502)
      },
    )
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent) return void res.destroy()
      // Refused before anything was sent: safe to try the next backend.
      if (error.code === 'ECONNREFUSED' && tried + 1 < this.#backends.length) {
        return this.#forward(req, res, body, tried + 1)
      }
      this.#count(502)
      res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway')
    })
    upstream.end(body)
  }

  #count(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1)
  }

  async close(): Promise<void> {
    this.#agent.destroy()
    const server = this.#server
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
