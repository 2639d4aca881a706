import { z } from 'zod'

/** The built-in responder of the sandbox: deterministic answers, no network. */
export const builtinResponderSettings = z
  .object({
    kind: z.literal('builtin'),
    /** How the bot introduces itself. */
    botName: z.string().min(1).max(80).default('Sandbox assistant'),
    /** Pause between streamed chunks, so the stream is visible in a demo. */
    chunkDelayMs: z.number().int().min(0).max(2_000).default(0),
  })
  .strict()

export type BuiltinResponderSettings = z.infer<typeof builtinResponderSettings>
