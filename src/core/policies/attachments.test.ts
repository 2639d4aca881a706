import { describe, expect, it } from 'vitest'

import { attachmentKind, attachmentRefusal, isAllowedMediaType } from './attachments.ts'

describe('isAllowedMediaType', () => {
  it.each([
    ['image/png', ['image/png'], true],
    ['image/png', ['image/*'], true],
    ['IMAGE/PNG; charset=binary', ['image/*'], true],
    ['image/png', ['*/*'], true],
    ['image/png', ['Image/PNG'], true],
    ['video/mp4', ['image/*', 'application/pdf'], false],
    ['application/pdf', ['image/*', 'application/pdf'], true],
    ['application/pdf', [], false],
    ['imagex/png', ['image/*'], false],
    ['not-a-type', ['*/*'], false],
    ['', ['*/*'], false],
  ] as const)('%s against %j → %s', (mediaType, allowList, expected) => {
    expect(isAllowedMediaType(mediaType, allowList)).toBe(expected)
  })
})

describe('attachmentKind', () => {
  it.each([
    ['image/jpeg', 'image'],
    ['video/mp4', 'video'],
    ['audio/mpeg', 'audio'],
    ['Audio/OGG; codecs=opus', 'audio'],
    ['application/pdf', 'file'],
    ['text/plain', 'file'],
    ['garbage', 'file'],
  ] as const)('%s → %s', (mediaType, kind) => {
    expect(attachmentKind(mediaType)).toBe(kind)
  })
})

describe('attachmentRefusal', () => {
  const policy = { maxBytes: 1000, allowedMediaTypes: ['image/*'] }
  it.each([
    [{ mediaType: 'image/png', sizeBytes: 10 }, undefined],
    [{ mediaType: 'image/png' }, undefined],
    [{ mediaType: 'image/png', sizeBytes: 1000 }, undefined],
    [{ mediaType: 'image/png', sizeBytes: 1001 }, 'too-large'],
    [{ mediaType: 'application/zip', sizeBytes: 10 }, 'media-type-not-allowed'],
  ] as const)('%j → %s', (attachment, refusal) => {
    expect(attachmentRefusal(attachment, policy)).toBe(refusal)
  })
})
