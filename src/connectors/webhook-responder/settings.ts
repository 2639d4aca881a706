import { z } from 'zod'

import { responderTimeoutsSchema } from '../shared/responder-timeouts.ts'

/**
 * A responder the customer runs: each turn is POSTed to `url`, signed with HMAC-SHA256
 * (docs/responders.md). Secrets are references: the API stores the value write-only.
 */
export const webhookResponderSettings = z
  .object({
    kind: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }).refine((value) => !new URL(value).hash, 'no fragment'),
    /** The secret the turns are signed with. */
    signingSecretName: z.string().min(1).max(200),
    /** During a rotation, turns are signed with this one too, until it is removed. */
    previousSigningSecretName: z.string().min(1).max(200).optional(),
    /** How many earlier messages of the session are sent with each turn. */
    historyMessages: z.number().int().min(0).max(200).default(20),
    timeouts: responderTimeoutsSchema.prefault({}),
  })
  .strict()

export type WebhookResponderSettings = z.infer<typeof webhookResponderSettings>
