import type { FastifyRequest } from 'fastify'
import { describe, expect, it } from 'vitest'

import { AuthenticationError, ConfigError, NotFoundError } from '../../core/errors.ts'
import { requireAdmin } from './auth.ts'

const TOKEN = 'admin-token-5f1c9e'
const request = (authorization?: string) =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as FastifyRequest

describe('requireAdmin', () => {
  const check = requireAdmin(async () => TOKEN)

  it('accepts the bearer token, whatever the case of the scheme', async () => {
    for (const header of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER  ${TOKEN}`]) {
      await expect(check(request(header))).resolves.toBeUndefined()
    }
  })

  it('refuses a missing, different, longer, shorter or non-bearer token', async () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      `Basic ${TOKEN}`,
      TOKEN,
      `Bearer ${TOKEN} extra`,
    ]) {
      await expect(check(request(header))).rejects.toBeInstanceOf(AuthenticationError)
    }
  })

  it('refuses everyone when no token is configured', async () => {
    const closed = requireAdmin(async () => undefined)
    await expect(closed(request('Bearer '))).rejects.toBeInstanceOf(AuthenticationError)
    await expect(closed(request('Bearer undefined'))).rejects.toBeInstanceOf(AuthenticationError)
  })

  it('reports an unreadable token secret as configuration, not as a missing resource', async () => {
    const broken = requireAdmin(async () => {
      throw new NotFoundError('secret env:CXB_ADMIN_TOKEN not found')
    })
    const error = await broken(request(`Bearer ${TOKEN}`)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).path).toBe('admin.tokenSecret')
  })
})
