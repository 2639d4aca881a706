import { describe, expect, it } from 'vitest'

import { microsoftTeamsSettings } from '../settings.ts'
import { isGraphEcho } from './echo.ts'

const settings = microsoftTeamsSettings.parse({
  tenantId: 't1',
  clientId: 'APP-ID',
  clientSecretName: 's',
  bot: { appId: 'bot-id', appPasswordName: 'p' },
  serviceAccount: { userId: 'SVC-USER', refreshTokenName: 'r' },
  notifications: { clientStateName: 'c' },
})

describe('isGraphEcho', () => {
  it('recognizes the service account and the bridge apps, case-insensitively', () => {
    expect(
      isGraphEcho(settings, { role: 'customer', displayName: 'x', aadObjectId: 'svc-user' }),
    ).toBe(true)
    expect(isGraphEcho(settings, { role: 'bot', displayName: 'b', remoteId: 'BOT-ID' })).toBe(true)
    expect(isGraphEcho(settings, { role: 'bot', displayName: 'b', remoteId: 'app-id' })).toBe(true)
  })

  it('lets everyone else through, including other bots named like our user', () => {
    expect(
      isGraphEcho(settings, { role: 'customer', displayName: 'x', aadObjectId: 'someone' }),
    ).toBe(false)
    expect(isGraphEcho(settings, { role: 'bot', displayName: 'b', remoteId: 'svc-user' })).toBe(
      false,
    )
    expect(isGraphEcho(settings, { role: 'customer', displayName: 'no ids' })).toBe(false)
  })
})
