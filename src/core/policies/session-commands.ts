/** What a user types to start over with a bot (the session forgets what was said). */
const RESET_COMMANDS = new Set(['///restart', '///reset', '///new'])

/** `///restart`, `///reset` or `///new`, alone in the message (case and spaces ignored). */
export const isSessionReset = (text: string) => RESET_COMMANDS.has(text.trim().toLowerCase())
