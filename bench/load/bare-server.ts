/**
 * The machine's limit for the ingest comparison: a bare node:http server that reads the body,
 * parses the JSON as the bridge must, and answers 202 with no body. No durability, no
 * validation. Run as its own process; prints `{"port":N}` once listening.
 */
import { createServer } from 'node:http'

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'))
      res.writeHead(202, { 'content-length': '0' }).end()
    } catch {
      res.writeHead(400, { 'content-length': '0' }).end()
    }
  })
})
server.keepAliveTimeout = 65_000
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  process.stdout.write(`${JSON.stringify({ port })}\n`)
})
process.once('SIGTERM', () => server.close(() => process.exit(0)))
