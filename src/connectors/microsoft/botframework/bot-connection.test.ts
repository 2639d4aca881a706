import { describe, expect, it } from 'vitest'

import { ConfigError } from '../../../core/errors.ts'
import { microsoftTeamsSettings } from '../settings.ts'
import { teamsBotSettings } from '../teams-bot/settings.ts'
import { botConnectionOf, teamsBotConnection } from './bot-connection.ts'

const APP_ID = '8e460676-ae3f-4b1e-8790-ee0fb5d6148f'

describe('bot connections', () => {
  it('reads the bot of a microsoft-teams integration', () => {
    const settings = microsoftTeamsSettings.parse({
      tenantId: 'contoso.example',
      clientId: 'graph-app',
      clientSecretName: 'graph-secret',
      notifications: { clientStateName: 'state' },
      bot: { appId: APP_ID, appPasswordName: 'bot-password' },
    })
    expect(botConnectionOf(settings)).toEqual({
      appId: APP_ID,
      appSecretName: 'bot-password',
      tokenTenant: 'botframework.com',
      authorityHost: 'https://login.microsoftonline.com',
      serviceUrlHosts: [],
    })
    expect(() => botConnectionOf({ ...settings, bot: undefined })).toThrow(ConfigError)
  })

  it('reads a microsoft-teams-bot integration once its app is set', () => {
    const settings = teamsBotSettings.parse({
      responder: 'support',
      appId: APP_ID,
      appSecretName: 'secret-1',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    })
    expect(teamsBotConnection(settings)).toMatchObject({
      appId: APP_ID,
      appSecretName: 'secret-1',
      tokenTenant: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    })
    expect(settings).toMatchObject({ informativeText: 'Thinking…', groupMessages: 'mentioned' })
    const unset = teamsBotSettings.parse({ responder: 'support' })
    expect(() => teamsBotConnection(unset)).toThrow(/app id/)
  })
})
