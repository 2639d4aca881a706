import { createHmac } from 'node:crypto'

import { describe, expect, it } from 'vitest'

import { signatureMatches, signBody } from './signature.ts'

const secret = 'a-secret-of-at-least-16-chars'
const body = Buffer.from('{"id":"36e4d8d92b071f15116d01d111bb8802","type":"Text","text":"Hello"}')

describe('X-Hub-Signature-256', () => {
  it('is sha256= and the base64 HMAC of the body, as the documented verifier computes it', () => {
    // https://developer.genesys.cloud/commdigital/digital/openmessaging/validate
    const documented = createHmac('sha256', secret)
      .update(JSON.stringify(JSON.parse(body.toString())))
      .digest('base64')
    expect(signBody(body, secret)).toBe(`sha256=${documented}`)
  })

  it.each([
    ['the right signature', signBody(body, secret), true],
    ['an upper-case prefix', signBody(body, secret).replace('sha256=', 'SHA256='), true],
    ['a missing header', undefined, false],
    ['an empty header', '', false],
    ['another secret', signBody(body, 'another-secret-of-16-chars'), false],
    ['the hex digest', `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`, false],
    ['no prefix', signBody(body, secret).slice('sha256='.length), false],
    ['a truncated signature', signBody(body, secret).slice(0, -2), false],
  ])('accepts %s: %s', (_name, header, expected) => {
    expect(signatureMatches(header, body, secret)).toBe(expected)
  })

  it('covers the exact bytes: re-spaced JSON does not match', () => {
    const respaced = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1))
    expect(signatureMatches(signBody(body, secret), respaced, secret)).toBe(false)
  })

  it('never matches with an empty secret', () => {
    expect(signatureMatches(signBody(body, ''), body, '')).toBe(false)
  })
})
