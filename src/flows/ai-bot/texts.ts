/** What the bot says itself, outside the responder's answers. */
export const BOT_TEXTS = {
  notAllowed:
    'Sorry, I can only talk with people my administrators have allowed. If you think you should have access, please contact them.',
  sessionReset: 'Okay, we are starting over: I have forgotten our earlier conversation.',
} as const
