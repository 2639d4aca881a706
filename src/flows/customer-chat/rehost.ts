import { isRetryable } from '../../core/errors.ts'
import type { Attachment } from '../../core/model/message.ts'
import { isAllowedMediaType } from '../../core/policies/attachments.ts'
import type { SendContext } from '../../core/ports/connector.ts'
import type { FlowDeps } from '../deps.ts'

type Downloader = (
  url: string,
  ctx: SendContext & { maxBytes: number },
) => Promise<{ data: Uint8Array; mediaType: string }>

export interface RehostResult {
  readonly attachments: Attachment[]
  /** Attachments the policy refused, named for a note in the text. */
  readonly refused: string[]
}

/**
 * Downloads each attachment from its origin (the connector enforces the allowed hosts) and
 * re-hosts it in the BlobStore behind a signed, expiring URL. Policy refusals are reported,
 * not retried; transient download failures throw so the job is retried.
 */
export async function rehostAttachments(
  attachments: readonly Attachment[],
  download: Downloader | undefined,
  ctx: SendContext,
  deps: Pick<FlowDeps, 'blobs' | 'attachments'>,
): Promise<RehostResult> {
  const out: Attachment[] = []
  const refused: string[] = []
  for (const attachment of attachments) {
    // Some remotes only tell the type on download (Teams inline images): check it again then.
    const knownType = attachment.mediaType !== 'application/octet-stream'
    if (
      !download ||
      (knownType && !isAllowedMediaType(attachment.mediaType, deps.attachments.allowedMediaTypes))
    ) {
      refused.push(attachment.name)
      continue
    }
    if (attachment.sizeBytes !== undefined && attachment.sizeBytes > deps.attachments.maxBytes) {
      refused.push(attachment.name)
      continue
    }
    try {
      const file = await download(attachment.url, { ...ctx, maxBytes: deps.attachments.maxBytes })
      const mediaType = file.mediaType || attachment.mediaType
      if (!isAllowedMediaType(mediaType, deps.attachments.allowedMediaTypes)) {
        refused.push(attachment.name)
        continue
      }
      const stored = await deps.blobs.put(file.data, { name: attachment.name, mediaType })
      out.push({
        ...attachment,
        mediaType,
        sizeBytes: stored.meta.sizeBytes,
        blobKey: stored.key,
        url: deps.blobs.signedUrl(stored.key, deps.attachments.urlTtlMs),
      })
    } catch (error) {
      // A file the remote refuses for good (gone, forbidden, not ours) must not cost the
      // customer the text: it is reported as not forwarded. Transient failures retry the job.
      if (isPolicyRefusal(error) || !isRetryable(error)) {
        refused.push(attachment.name)
        continue
      }
      throw error
    }
  }
  return { attachments: out, refused }
}

const isPolicyRefusal = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === 'POLICY_REFUSED'
