import { describe, expect, it } from 'vitest'

import { integrationId } from '../../../core/model/ids.ts'
import type { Participant } from '../../../core/model/participant.ts'
import { addressFor, identify, identityOf, plainName, splitName } from './identity.ts'

const customer: Participant = {
  role: 'customer',
  displayName: 'Ana Smith',
  tenantId: '72F988BF-86F1-41AF-91AB-2D7CD011DB47',
  aadObjectId: '0c8a5b1e-4d7b-4e5f-9e2a-1b2c3d4e5f60',
  upn: 'ana@contoso.com',
}

describe('plainName', () => {
  it.each([
    ['plain', 'Ana Smith', 'Ana Smith'],
    ['markup removed', '<b>Ana</b> <i>Smith</i>', 'Ana Smith'],
    ['script tags removed', '<script>alert(1)</script>Ana', 'alert(1) Ana'],
    ['entities decoded, brackets dropped', 'Ana &amp; Bo &lt;x&gt;', 'Ana & Bo x'],
    ['control characters and newlines', 'Ana\u0000\nSmith\u202E', 'Ana Smith'],
    ['undefined', undefined, ''],
  ])('%s', (_name, input, expected) => {
    expect(plainName(input)).toBe(expected)
  })

  it('limits the length', () => {
    expect(plainName('A'.repeat(500)).length).toBeLessThanOrEqual(100)
  })
})

describe('splitName', () => {
  it.each([
    ['Ana Smith', { firstName: 'Ana', lastName: 'Smith' }],
    ['Smith, Ana', { firstName: 'Ana', lastName: 'Smith' }],
    ['Ana Maria de Souza', { firstName: 'Ana', lastName: 'Maria de Souza' }],
    ['Ana', { firstName: 'Ana' }],
    ['', {}],
  ])('%s', (input, expected) => {
    expect(splitName(input)).toEqual(expected)
  })
})

describe('identify', () => {
  it('maps a Teams customer to an opaque, stable Open Messaging identity', () => {
    expect(identify(customer)).toEqual({
      id: '72f988bf-86f1-41af-91ab-2d7cd011db47:0c8a5b1e-4d7b-4e5f-9e2a-1b2c3d4e5f60',
      idType: 'Opaque',
      firstName: 'Ana',
      lastName: 'Smith',
      nickname: 'Ana Smith',
      customAttributes: {
        teamsTenantId: '72F988BF-86F1-41AF-91AB-2D7CD011DB47',
        teamsAadObjectId: '0c8a5b1e-4d7b-4e5f-9e2a-1b2c3d4e5f60',
        teamsUpn: 'ana@contoso.com',
      },
    })
  })

  it('keeps the id when the display name changes', () => {
    expect(identify({ ...customer, displayName: 'Ana S.' }).id).toBe(identify(customer).id)
  })

  it('cleans HTML and control characters out of names', () => {
    const identity = identify({
      ...customer,
      displayName: '<img src=x onerror=1>Bo\u0007b <b>Lee</b>',
    })
    expect(identity).toMatchObject({ firstName: 'Bob', lastName: 'Lee', nickname: 'Bob Lee' })
  })

  it('leaves names out when the display name is empty', () => {
    const identity = identify({ ...customer, displayName: '<br>' })
    expect(identity.firstName).toBeUndefined()
    expect(identity.nickname).toBeUndefined()
  })

  it('sends only the Teams ids that are known', () => {
    const { upn: _upn, ...noUpn } = customer
    expect(Object.keys(identify(noUpn).customAttributes)).toEqual([
      'teamsTenantId',
      'teamsAadObjectId',
    ])
  })
})

describe('addressFor / identityOf', () => {
  it('round-trips the identity through the address', () => {
    const identity = identify(customer)
    const address = addressFor(integrationId('int-1'), identity)
    expect(address).toMatchObject({
      kind: 'genesys-open-messaging',
      integrationId: 'int-1',
      key: identity.id,
    })
    expect(identityOf(JSON.parse(JSON.stringify(address)))).toEqual(identity)
  })

  it('falls back to the key when the address holds no identity', () => {
    const address = { ...addressFor(integrationId('int-1'), identify(customer)), data: null }
    expect(identityOf(address)).toEqual({
      id: address.key,
      idType: 'Opaque',
      customAttributes: {},
    })
  })
})
