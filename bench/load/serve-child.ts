import type { Server } from 'node:http'

/**
 * Runs a reference server as a bench child process: keep-alive as the load generator expects,
 * listening on a free loopback port announced as `{"port":N}` on stdout, closed on SIGTERM.
 */
export function serveAsChild(server: Server): void {
  server.keepAliveTimeout = 65_000
  server.listen(0, '127.0.0.1', () => {
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    process.stdout.write(`${JSON.stringify({ port })}\n`)
  })
  process.once('SIGTERM', () => server.close(() => process.exit(0)))
}
