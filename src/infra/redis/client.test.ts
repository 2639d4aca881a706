import { createServer } from 'node:net'

import { describe, expect, it } from 'vitest'

import { RemoteUnavailableError, UnexpectedError } from '../../core/errors.ts'
import { createLogger } from '../logging/create-logger.ts'
import { callRedis, openRedis } from './client.ts'

/** A port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  return typeof address === 'object' && address ? address.port : 1
}

describe('openRedis', () => {
  it('refuses to start against an unreachable Redis, naming where but not the password', async () => {
    const port = await closedPort()
    const failure = await openRedis({
      url: `redis://:s3cret-pass@127.0.0.1:${port}/0`,
      log: createLogger({ level: 'silent' }),
    }).then(
      () => new Error('connected'),
      (error: unknown) => error as Error,
    )
    expect(failure.message).toBe(`Redis is not reachable at 127.0.0.1:${port}`)
    expect(failure.message).not.toContain('s3cret')
  })
})

describe('callRedis', () => {
  it('classes a connection failure as retryable and an error reply as unexpected', async () => {
    const lost = await callRedis('get', () => Promise.reject(new Error('Connection is closed.')))
      .then(() => undefined)
      .catch((error: unknown) => error)
    expect(lost).toBeInstanceOf(RemoteUnavailableError)
    const reply = Object.assign(new Error('WRONGTYPE Operation against a key'), {
      name: 'ReplyError',
    })
    await expect(callRedis('get', () => Promise.reject(reply))).rejects.toBeInstanceOf(
      UnexpectedError,
    )
  })
})
