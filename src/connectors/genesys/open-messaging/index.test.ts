import { describe, expect, it } from 'vitest'

import { genesysOpenMessagingConnector } from './index.ts'

describe('genesysOpenMessagingConnector', () => {
  it('is the backend connector of kind genesys-open-messaging', () => {
    expect(genesysOpenMessagingConnector).toMatchObject({
      kind: 'genesys-open-messaging',
      side: 'backend',
    })
  })

  it('fills documented defaults and refuses unknown settings', () => {
    const settings = genesysOpenMessagingConnector.parseSettings({
      openMessagingIntegrationId: 'om-1',
      clientId: 'c',
      clientSecretName: 's',
      webhookSecretName: 'w',
    })
    expect(settings).toMatchObject({
      loginBaseUrl: 'https://login.mypurecloud.com',
      apiBaseUrl: 'https://api.mypurecloud.com',
      maxTextLength: 4000,
    })
    expect(() =>
      genesysOpenMessagingConnector.parseSettings({ ...(settings as object), extra: 1 }),
    ).toThrow()
  })
})
