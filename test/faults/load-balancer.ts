import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http'

/** How long a backend that failed a connection is left out of the rotation. */
const FAIL_TIMEOUT_MS = 1000

/**
 * A round-robin HTTP reverse proxy in front of the web processes, configured as a deployment
 * would configure nginx (http://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream):
 * `proxy_next_upstream error timeout http_503 non_idempotent` and `max_fails=1 fail_timeout=1s`.
 * A request whose backend refused or cut the connection before answering (killed, restarting)
 * or answered 503 (its store restarting) goes to the next backend at once; only when every
 * backend failed does the caller get the last 503, or a 502. Retrying a POST is safe here
 * because every route behind it is idempotent: webhooks are deduplicated by the remote's ids,
 * as they must be for the remotes' own retries. A backend that failed a connection is skipped
 * for a second, so a dead one does not cost every other request a refused connection.
 */
export class LoadBalancer {
  readonly #backends: readonly string[]
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 })
  readonly #downUntil = new Map<string, number>()
  #next = 0
  #server: Server | undefined
  /** Answers per status (502: no backend could take it or one died mid-answer). */
  readonly statuses = new Map<number, number>()
  /** Requests passed to another backend after a failed connection or a 503. */
  retried = 0

  constructor(backends: readonly string[]) {
    this.#backends = backends
  }

  async listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => this.#forward(req, res, Buffer.concat(chunks), new Set()))
    })
    this.#server = server
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  }

  /** The next backend in the rotation not yet tried, preferring those not marked down. */
  #pick(tried: ReadonlySet<string>): string | undefined {
    const now = Date.now()
    const untried = Array.from(
      { length: this.#backends.length },
      (_, i) => this.#backends[(this.#next + i) % this.#backends.length]!,
    ).filter((b) => !tried.has(b))
    const chosen = untried.find((b) => (this.#downUntil.get(b) ?? 0) <= now) ?? untried[0]
    if (chosen !== undefined)
      this.#next = (this.#backends.indexOf(chosen) + 1) % this.#backends.length
    return chosen
  }

  #forward(req: IncomingMessage, res: ServerResponse, body: Buffer, tried: Set<string>): void {
    const target = this.#pick(tried)
    if (target === undefined) return this.#fail(res, 502)
    tried.add(target)
    const canRetry = () => tried.size < this.#backends.length
    const backend = new URL(target)
    let answered = false
    let passedOn = false
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
        answered = true
        const status = answer.statusCode ?? 502
        if (status === 503 && canRetry()) {
          answer.resume()
          passedOn = true
          this.retried += 1
          return this.#forward(req, res, body, tried)
        }
        res.writeHead(status, answer.headers)
        answer.pipe(res)
        answer.on('error', () => res.destroy())
        this.#count(status)
      },
    )
    upstream.on('error', () => {
      // Cut mid-answer: too late for another backend. After a 503 the next one has it already.
      if (answered) return void (passedOn || res.destroy())
      this.#downUntil.set(target, Date.now() + FAIL_TIMEOUT_MS)
      if (canRetry()) {
        this.retried += 1
        return this.#forward(req, res, body, tried)
      }
      this.#fail(res, 502)
    })
    upstream.end(body)
  }

  #fail(res: ServerResponse, status: number): void {
    this.#count(status)
    res.writeHead(status, { 'content-type': 'text/plain' }).end('bad gateway')
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
