import { describe, expect, it } from 'vitest'

import { RemoteRejectedError } from '../../core/errors.ts'
import { createLogger, type LoggerOptions } from './create-logger.ts'
import { levelForError } from './level-for-error.ts'

const SECRET = 's3cr3t-VALUE-that-must-not-leak'

function capture(options: Omit<LoggerOptions, 'destination'> = { level: 'trace' }) {
  const lines: string[] = []
  const log = createLogger({ ...options, destination: { write: (s: string) => lines.push(s) } })
  return { log, lines, text: () => lines.join('') }
}

describe('createLogger redaction', () => {
  it('redacts credential fields at any depth and in child bindings', () => {
    const { log, text } = capture()
    log.child({ integration: { clientSecret: SECRET } }).info(
      {
        req: {
          headers: {
            authorization: `Bearer ${SECRET}`,
            cookie: SECRET,
            'x-hub-signature-256': SECRET,
          },
        },
        settings: { bot: { appPassword: SECRET, privateKey: SECRET } },
        tokens: [{ access_token: SECRET, refresh_token: SECRET }],
        body: { validationToken: SECRET, webhookToken: SECRET, password: SECRET, secret: SECRET },
        deep: { a: { b: { c: { outboundNotificationWebhookSignatureSecretToken: SECRET } } } },
        harmless: 'visible',
      },
      'request received',
    )
    expect(text()).not.toContain(SECRET)
    expect(text()).toContain('[redacted]')
    expect(text()).toContain('visible')
    const entry = JSON.parse(text()) as Record<string, unknown>
    expect(entry).toMatchObject({
      msg: 'request received',
      settings: { bot: { appPassword: '[redacted]' } },
    })
  })

  it('redacts credentials inside URLs, form bodies and error messages', () => {
    const { log, text } = capture()
    log.warn({ url: `https://host/cb?state=1&code=${SECRET}&x=2` }, 'redirect')
    log.warn({ url: `http://h/blobs/k?exp=1&sig=${SECRET}` }, 'blob')
    log.warn({ form: `grant_type=client_credentials&client_secret=${SECRET}` }, 'form')
    log.error({ err: new Error(`failed with Bearer ${SECRET}`) }, 'failed')
    const cause = new RemoteRejectedError('refused', { details: { password: SECRET } })
    log.error({ err: cause }, 'rejected')
    expect(text()).not.toContain(SECRET)
    expect(text()).toContain('state=1&code=[redacted]&x=2')
    expect(text()).toContain('RemoteRejectedError')
  })

  it('keeps bindings of every generation of children', () => {
    const { log, text } = capture()
    log.child({ integrationId: 'i1' }).child({ jobId: 'j1', refreshToken: SECRET }).info({}, 'job')
    expect(JSON.parse(text())).toMatchObject({
      integrationId: 'i1',
      jobId: 'j1',
      refreshToken: '[redacted]',
    })
  })

  it('does not change the logged object and survives cycles', () => {
    const { log, text } = capture()
    const payload: Record<string, unknown> = { token: SECRET }
    payload.self = payload
    log.info(payload, 'cyclic')
    expect(payload.token).toBe(SECRET)
    expect(text()).not.toContain(SECRET)
    expect(text()).toContain('[circular]')
  })

  it('honours the level and renders pretty lines without leaking', () => {
    const { log, lines } = capture({ level: 'warn', pretty: true })
    log.info({ a: 1 }, 'hidden')
    log.warn({ accessToken: SECRET, n: 2 }, 'shown')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/WARN +shown accessToken=\[redacted\] n=2\n$/)
  })
})

describe('levelForError', () => {
  it('maps error classes to levels', () => {
    expect(levelForError(new RemoteRejectedError('no'))).toBe('warn')
    expect(levelForError(new Error('bug'))).toBe('error')
  })
})
