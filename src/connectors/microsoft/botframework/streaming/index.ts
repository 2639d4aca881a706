export type { ReplyOutcome } from './reply-record.ts'
export type {
  StreamingReplyOptions,
  StreamingReplySender,
  StreamReplyInput,
  StreamReplyResult,
} from './streaming-reply.ts'
export { createStreamingReplySender, DEFAULT_REPLY_OPTIONS } from './streaming-reply.ts'
