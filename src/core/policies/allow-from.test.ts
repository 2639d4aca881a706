import { describe, expect, it } from 'vitest'

import { allowFromMatches, allowFromNeedsAddress, isAllowedFrom } from './allow-from.ts'

const ana = {
  aadObjectId: '7c1e0f3a-2b4d-4e5f-8a9b-0c1d2e3f4a5b',
  tenantId: '11111111-2222-3333-4444-555555555555',
  upn: 'Ana@Contoso.com',
  email: 'ana.silva@contoso-mail.com',
}

describe('allowFrom', () => {
  it('blank means everyone', () => {
    expect(isAllowedFrom(undefined, {})).toBe(true)
    expect(isAllowedFrom([], {})).toBe(true)
  })

  it.each([
    ['7C1E0F3A-2B4D-4E5F-8A9B-0C1D2E3F4A5B', true],
    ['00000000-2b4d-4e5f-8a9b-0c1d2e3f4a5b', false],
    ['tenant:11111111-2222-3333-4444-555555555555', true],
    ['tenant:99999999-2222-3333-4444-555555555555', false],
    ['ana@contoso.com', true],
    ['ANA.SILVA@contoso-mail.com', true],
    ['bob@contoso.com', false],
    ['@contoso.com', true],
    ['@CONTOSO-MAIL.COM', true],
    ['@fabrikam.com', false],
    ['@com', false],
    ['contoso.com', false],
  ])('%s → %s', (entry, allowed) => {
    expect(allowFromMatches(entry, ana)).toBe(allowed)
  })

  it('one matching entry of several is enough; unknown users are refused', () => {
    expect(isAllowedFrom(['@fabrikam.com', `tenant:${ana.tenantId}`], ana)).toBe(true)
    expect(isAllowedFrom(['@contoso.com'], { aadObjectId: ana.aadObjectId })).toBe(false)
  })

  it('tells when the UPN or e-mail is needed', () => {
    expect(allowFromNeedsAddress(['tenant:x', ana.aadObjectId])).toBe(false)
    expect(allowFromNeedsAddress(['@contoso.com'])).toBe(true)
    expect(allowFromNeedsAddress(undefined)).toBe(false)
  })
})
