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
