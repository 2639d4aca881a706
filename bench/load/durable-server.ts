/**
 * The floor of a durable acknowledgement on this machine: node:http reads the body, parses the
 * JSON, appends it to a SQLite WAL (synchronous=NORMAL, one transaction per turn of the event
 * loop) and answers 202 once `fdatasync` of the WAL (libuv's thread pool) covers it. No
 * validation, no routing, no queue semantics: what any durable webhook receiver pays at least.
 * Run as its own process with the data dir as argument; prints `{"port":N}` once listening.
 */
import { fdatasync, openSync } from 'node:fs'
import { createServer, type ServerResponse } from 'node:http'
import { join } from 'node:path'

import Database from 'better-sqlite3'

import { serveAsChild } from './serve-child.ts'

const file = join(process.argv[2] ?? '.', 'durable-floor.db')
const db = new Database(file)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = NORMAL')
db.exec('CREATE TABLE IF NOT EXISTS inbox (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
const insert = db.prepare('INSERT INTO inbox (body) VALUES (?)')
let walFd: number | undefined

let batch: Array<{ body: string; res: ServerResponse }> = []
let scheduled = false
let syncing = false
let waiting: ServerResponse[] = []

function commit(): void {
  scheduled = false
  const items = batch
  batch = []
  db.transaction(() => {
    for (const item of items) insert.run(item.body)
  })()
  for (const item of items) waiting.push(item.res)
  if (!syncing) sync()
}

function sync(): void {
  syncing = true
  const answered = waiting
  waiting = []
  walFd ??= openSync(`${file}-wal`, 'r')
  fdatasync(walFd, () => {
    for (const res of answered) res.writeHead(202, { 'content-length': '0' }).end()
    if (waiting.length > 0) sync()
    else syncing = false
  })
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8')
    try {
      JSON.parse(text)
    } catch {
      res.writeHead(400, { 'content-length': '0' }).end()
      return
    }
    batch.push({ body: text, res })
    if (!scheduled) {
      scheduled = true
      setImmediate(commit)
    }
  })
})
serveAsChild(server)
