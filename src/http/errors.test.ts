import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'

import {
  ConfigError,
  InvalidInputError,
  PolicyRefusedError,
  RemoteUnavailableError,
  UnexpectedError,
} from '../core/errors.ts'
import type { Logger } from '../core/ports/logger.ts'
import { errorHandler, frameworkErrorHandler, problemFor } from './errors.ts'

const logged: Array<{ level: string; obj: object }> = []
const log: Logger = {
  trace: () => {},
  debug: () => {},
  info: (obj) => void logged.push({ level: 'info', obj }),
  warn: (obj) => void logged.push({ level: 'warn', obj }),
  error: (obj) => void logged.push({ level: 'error', obj }),
  child: () => log,
}

/** A server whose one route throws `error`. */
async function throwing(error: unknown) {
  const app = Fastify({ bodyLimit: 64 })
  app.setErrorHandler(errorHandler(log))
  app.post('/x', async () => {
    throw error
  })
  return app
}

describe('problem+json at the edge', () => {
  it('shows the detail of a 4xx and hides every word of a 5xx', () => {
    const input = problemFor(
      new InvalidInputError('activity is malformed', { details: { path: 'from' } }),
    )
    expect(input).toMatchObject({
      status: 400,
      code: 'INPUT_INVALID',
      detail: 'activity is malformed',
      details: { path: 'from' },
    })
    expect(problemFor(new PolicyRefusedError('host not allowed')).status).toBe(422)
    const hidden = problemFor(new ConfigError('store.url', 'password=hunter2 is wrong'))
    expect(hidden).toMatchObject({ status: 500, code: 'CONFIG_INVALID' })
    expect(JSON.stringify(hidden)).not.toContain('hunter2')
    expect(problemFor(new RemoteUnavailableError('Genesys 503')).status).toBe(503)
  })

  it('turns Fastify refusals into problems, never 5xx', async () => {
    const app = Fastify({ bodyLimit: 64 })
    app.setErrorHandler(errorHandler(log))
    app.post('/json', async () => ({ ok: true }))
    const tooLarge = await app.inject({
      method: 'POST',
      url: '/json',
      payload: JSON.stringify({ pad: 'x'.repeat(100) }),
      headers: { 'content-type': 'application/json' },
    })
    expect(tooLarge.statusCode).toBe(413)
    expect(tooLarge.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    const badJson = await app.inject({
      method: 'POST',
      url: '/json',
      payload: '{',
      headers: { 'content-type': 'application/json' },
    })
    expect(badJson.statusCode).toBe(400)
    expect(badJson.headers['content-type']).toMatch(/^application\/problem\+json/)
    const wrongType = await app.inject({
      method: 'POST',
      url: '/json',
      payload: 'a',
      headers: { 'content-type': 'application/x-unknown' },
    })
    expect(wrongType.statusCode).toBe(415)
    expect(wrongType.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' })
    await app.close()
  })

  it('answers anything else with a bare 500 and logs it at error', async () => {
    for (const error of [new TypeError('secret at /etc/key'), new UnexpectedError('bug: key')]) {
      logged.length = 0
      const app = await throwing(error)
      const response = await app.inject({ method: 'POST', url: '/x' })
      expect(response.statusCode).toBe(500)
      expect(response.json()).toMatchObject({ status: 500, code: 'UNEXPECTED' })
      expect(response.body).not.toMatch(/secret|key/)
      expect(logged.map((l) => l.level)).toEqual(['error'])
      await app.close()
    }
  })

  it('answers a lost connection to the store or queue with 503 and Retry-After, logged at warn', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    })
    const shuttingDown = Object.assign(
      new Error('terminating connection due to administrator command'),
      {
        code: '57P01',
      },
    )
    for (const error of [refused, shuttingDown, new Error('Connection terminated unexpectedly')]) {
      logged.length = 0
      const app = await throwing(error)
      const response = await app.inject({ method: 'POST', url: '/x' })
      expect(response.statusCode).toBe(503)
      expect(response.headers['retry-after']).toBe('1')
      expect(response.json()).toMatchObject({ status: 503, code: 'UNAVAILABLE' })
      expect(response.body).not.toMatch(/5432|administrator/)
      expect(logged.map((l) => l.level)).toEqual(['warn'])
      await app.close()
    }
  })

  it('logs a refused request at info, not error', async () => {
    logged.length = 0
    const app = await throwing(new InvalidInputError('bad'))
    await app.inject({ method: 'POST', url: '/x' })
    expect(logged.map((l) => l.level)).toEqual(['info'])
    await app.close()
  })

  // Found by the fuzz suite (test/fuzz): the router answered these in its own JSON.
  it('answers a URL that does not decode and an over-long path parameter with problems', async () => {
    const app = Fastify({ frameworkErrors: frameworkErrorHandler(log) })
    app.get('/items/:id', async () => ({ ok: true }))
    const badUrl = await app.inject({ method: 'GET', url: '/items/%zz' })
    expect(badUrl.statusCode).toBe(400)
    expect(badUrl.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(badUrl.json()).toMatchObject({ status: 400, code: 'INPUT_INVALID' })
    const long = await app.inject({ method: 'GET', url: `/items/${'a'.repeat(101)}` })
    expect(long.statusCode).toBe(414)
    expect(long.json()).toMatchObject({ status: 414, code: 'INPUT_INVALID', title: 'URI Too Long' })
    expect(long.body).not.toContain('aaaa')
    await app.close()
  })
})
