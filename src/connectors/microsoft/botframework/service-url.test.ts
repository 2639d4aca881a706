import { describe, expect, it } from 'vitest'

import { PolicyRefusedError } from '../../../core/errors.ts'
import { activitiesUrl, assertTrustedServiceUrl } from './service-url.ts'

describe('assertTrustedServiceUrl', () => {
  it.each([
    'https://smba.trafficmanager.net/amer/',
    'https://smba.trafficmanager.net/teams/',
    'https://smba.infra.gcc.teams.microsoft.com/teams',
    'https://smba.infra.gov.teams.microsoft.us/teams',
    'https://webchat.botframework.com/',
  ])('accepts the Microsoft connector %s', (url) => {
    expect(assertTrustedServiceUrl(url, []).href).toBe(url)
  })

  it.each([
    'http://smba.trafficmanager.net/amer/',
    'https://smba.trafficmanager.net.evil.example/',
    'https://evilbotframework.com/',
    'https://user:pw@smba.trafficmanager.net/amer/',
    'https://127.0.0.1:8443/',
    'not a url',
  ])('refuses %s', (url) => {
    expect(() => assertTrustedServiceUrl(url, [])).toThrow(PolicyRefusedError)
  })

  it('accepts configured hosts and exact trusted emulator hosts (also over http)', () => {
    expect(assertTrustedServiceUrl('https://bf.contoso.example/', ['.contoso.example']).host).toBe(
      'bf.contoso.example',
    )
    expect(assertTrustedServiceUrl('http://127.0.0.1:4100/', [], ['127.0.0.1:4100']).port).toBe(
      '4100',
    )
    expect(() => assertTrustedServiceUrl('http://127.0.0.1:4101/', [], ['127.0.0.1:4100'])).toThrow(
      PolicyRefusedError,
    )
  })
})

describe('activitiesUrl', () => {
  it('joins with or without a trailing slash and encodes the conversation id', () => {
    const id = '19:ja0cu120i1jod12j@skype.net;messageid=1'
    const expected =
      'https://smba.trafficmanager.net/amer/v3/conversations/19%3Aja0cu120i1jod12j%40skype.net%3Bmessageid%3D1/activities'
    expect(activitiesUrl(new URL('https://smba.trafficmanager.net/amer/'), id)).toBe(expected)
    expect(activitiesUrl(new URL('https://smba.trafficmanager.net/amer'), id)).toBe(expected)
  })
})
