import type { Attachment } from '../model/message.ts'

export type AttachmentKind = Attachment['kind']

/** `type/subtype` in lower case, without parameters (`Image/PNG; q=1` → `image/png`). */
export function essenceOf(mediaType: string): string {
  return mediaType.split(';', 1)[0]!.trim().toLowerCase()
}

/**
 * True when `mediaType` matches an entry of `allowList`: an exact type (`application/pdf`), a
 * type wildcard (`image/*`) or everything (`*\/*`). Parameters and case are ignored. An empty
 * list allows nothing, as an empty content profile blocks all media.
 */
export function isAllowedMediaType(mediaType: string, allowList: readonly string[]): boolean {
  const essence = essenceOf(mediaType)
  const [type, subtype] = essence.split('/')
  if (!type || !subtype) return false
  return allowList.some((entry) => {
    const allowed = essenceOf(entry)
    if (allowed === '*/*' || allowed === essence) return true
    return allowed.endsWith('/*') && allowed.slice(0, -2) === type
  })
}

/** How a remote should present the attachment: image, video and audio by top-level type, else file. */
export function attachmentKind(mediaType: string): AttachmentKind {
  const type = essenceOf(mediaType).split('/', 1)[0]
  return type === 'image' || type === 'video' || type === 'audio' ? type : 'file'
}

export interface AttachmentPolicy {
  readonly maxBytes: number
  readonly allowedMediaTypes: readonly string[]
}

export type AttachmentRefusal = 'too-large' | 'media-type-not-allowed'

/**
 * Why an attachment may not pass, or undefined when it may. An unknown size passes here; the
 * download enforces `maxBytes` on the bytes actually received.
 */
export function attachmentRefusal(
  attachment: Pick<Attachment, 'mediaType' | 'sizeBytes'>,
  policy: AttachmentPolicy,
): AttachmentRefusal | undefined {
  if (!isAllowedMediaType(attachment.mediaType, policy.allowedMediaTypes)) {
    return 'media-type-not-allowed'
  }
  if (attachment.sizeBytes !== undefined && attachment.sizeBytes > policy.maxBytes) {
    return 'too-large'
  }
  return undefined
}
