/**
 * Whether a new message belongs in a new backend conversation: after `windowMs` of silence, or
 * when the previous conversation was closed, or when there was none. A `lastActivityAt` in the
 * future (clock skew between machines) counts as recent activity, not as a gap.
 */
export function shouldStartNewConversation(
  lastActivityAt: Date | undefined,
  now: Date,
  windowMs: number,
  closedAt?: Date,
): boolean {
  if (lastActivityAt === undefined || closedAt !== undefined) return true
  return now.getTime() - lastActivityAt.getTime() >= windowMs
}

/** The finest a conversation's activity is recorded: at most a minute (see below). */
export const ACTIVITY_PRECISION_MS = 60_000

/**
 * Whether a message's time must be written as its conversation's activity. Within a short span
 * of the recorded activity it need not: the store's write per forwarded message is spared, and
 * the threading window (and retention, counted in days) sees activity at most 1 % of the window,
 * and never more than a minute, older than it was.
 */
export function shouldRecordActivity(lastActivityAt: Date, now: Date, windowMs: number): boolean {
  const precision = Math.min(ACTIVITY_PRECISION_MS, windowMs / 100)
  return now.getTime() - lastActivityAt.getTime() >= precision
}
