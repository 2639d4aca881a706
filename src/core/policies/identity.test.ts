import { describe, expect, it } from 'vitest'

import { InvalidInputError } from '../errors.ts'
import { stableCustomerKey } from './identity.ts'

const tenantId = '72F988BF-86F1-41AF-91AB-2D7CD011DB47'
const aadObjectId = '0C8A5B1E-4D7B-4E5F-9E2A-1B2C3D4E5F60'

describe('stableCustomerKey', () => {
  it.each([
    [
      'tenant + object id, lower-cased',
      { tenantId, aadObjectId, upn: 'Ana@Contoso.com' },
      '72f988bf-86f1-41af-91ab-2d7cd011db47:0c8a5b1e-4d7b-4e5f-9e2a-1b2c3d4e5f60',
    ],
    [
      'falls back to the UPN',
      { tenantId, upn: ' Ana@Contoso.com ' },
      '72f988bf-86f1-41af-91ab-2d7cd011db47:upn:ana@contoso.com',
    ],
    ['falls back to the channel id', { remoteId: '29:1AbC' }, 'id:29:1abc'],
    [
      'keeps the tenant with the channel id',
      { tenantId, remoteId: '29:1AbC' },
      '72f988bf-86f1-41af-91ab-2d7cd011db47:id:29:1abc',
    ],
    [
      'ignores blank fields',
      { tenantId, aadObjectId: ' ', upn: 'a@b.c' },
      '72f988bf-86f1-41af-91ab-2d7cd011db47:upn:a@b.c',
    ],
  ])('%s', (_name, participant, expected) => {
    expect(stableCustomerKey(participant)).toBe(expected)
  })

  it('is the same whatever the display name or case', () => {
    expect(stableCustomerKey({ tenantId: tenantId.toLowerCase(), aadObjectId })).toBe(
      stableCustomerKey({ tenantId, aadObjectId: aadObjectId.toLowerCase() }),
    )
  })

  it('refuses a participant without any identifier', () => {
    expect(() => stableCustomerKey({ tenantId })).toThrow(InvalidInputError)
  })
})
