/**
 * The machine's limit for the ingest comparison: a bare node:http server that reads the body,
 * parses the JSON as the bridge must, and answers 202 with no body. No durability, no
 * validation. Run as its own process; prints `{"port":N}` once listening.
 */
import { createServer } from 'node:http'

import { serveAsChild } from './serve-child.ts'

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
serveAsChild(server)
