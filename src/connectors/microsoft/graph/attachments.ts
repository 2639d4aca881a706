import type { Attachment } from '../../../core/model/message.ts'
import { safeFileName } from '../../shared/safe-file-name.ts'

/** Media types by file extension, for `reference` attachments, which carry none. */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  txt: 'text/plain',
  csv: 'text/csv',
  zip: 'application/zip',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
}

const UNKNOWN = 'application/octet-stream'

export function mediaTypeOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.')
  return (dot >= 0 && BY_EXTENSION[fileName.slice(dot + 1).toLowerCase()]) || UNKNOWN
}

export function kindOf(mediaType: string): Attachment['kind'] {
  if (mediaType.startsWith('image/')) return 'image'
  if (mediaType.startsWith('video/')) return 'video'
  if (mediaType.startsWith('audio/')) return 'audio'
  return 'file'
}

/** A Teams `reference` attachment (a SharePoint/OneDrive file) as a core Attachment. */
export function referenceAttachment(
  name: string | undefined,
  url: string,
  index: number,
): Attachment {
  const fileName = safeFileName(name, `file-${index + 1}`)
  const mediaType = mediaTypeOf(fileName)
  return { name: fileName, mediaType, url, kind: kindOf(mediaType) }
}

/**
 * An inline image Teams stores as hosted content. Its type is only known once downloaded (the
 * `$value` response's content-type), so it is declared generically here.
 */
export function hostedImageAttachment(url: string, index: number): Attachment {
  return { name: `image-${index + 1}`, mediaType: UNKNOWN, url, kind: 'image' }
}
