import { z } from 'zod'

import type { Contact, IntegrationEvent } from '../../core/model/contact.ts'
import { CONNECTOR_KINDS, MAX_META_KEYS } from '../../core/model/integration.ts'
import type { IntegrationView } from '../../flows/admin/integrations.ts'

const metaKey = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'meta keys are 1-64 letters, digits and . _ -')
const metaValue = z.string().max(512)

export const integrationIdParams = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an integration id'),
  })
  .strict()

const settingsInput = z
  .record(z.string(), z.unknown())
  .describe(
    'Kind-specific settings (docs/api.md lists them per kind). Secret fields (appSecret, clientSecret, …) and a bot’s tenantId are write-only: they are never returned.',
  )

export const createIntegrationBody = z
  .object({
    kind: z.enum(CONNECTOR_KINDS as [string, ...string[]]),
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    enabled: z.boolean().optional(),
    meta: z.record(metaKey, metaValue).optional(),
    settings: settingsInput,
  })
  .strict()
  .refine((body) => Object.keys(body.meta ?? {}).length <= MAX_META_KEYS, {
    path: ['meta'],
    message: `at most ${MAX_META_KEYS} keys`,
  })

export const updateIntegrationBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(2000).nullable().optional().describe('null clears it'),
    enabled: z.boolean().optional(),
    meta: z
      .record(metaKey, metaValue.nullable())
      .optional()
      .describe('merged into the stored meta; a null value removes that key'),
    settings: settingsInput
      .optional()
      .describe(
        'only the given settings change (objects merge, other values replace); null clears an optional setting, e.g. tenantId or allowFrom',
      ),
  })
  .strict()
  .refine((body) => Object.keys(body.meta ?? {}).length <= MAX_META_KEYS, {
    path: ['meta'],
    message: `at most ${MAX_META_KEYS} keys`,
  })

const setupSchema = z.object({
  status: z.enum(['ok', 'failed']),
  checkedAt: z.string(),
  problem: z.string().optional(),
  reason: z.string().optional().describe('what to do about a failure'),
  field: z.string().optional().describe('the field to fix'),
})

export const integrationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  meta: z.record(z.string(), z.string()),
  settings: z.record(z.string(), z.unknown()).describe('without write-only fields'),
  writeOnly: z.array(z.string()).describe('write-only settings that hold a value'),
  setup: setupSchema.nullable().describe('the latest credential check'),
  createdAt: z.string(),
  updatedAt: z.string(),
})

export function integrationBody({ integration: i, writeOnly }: IntegrationView) {
  return {
    id: i.id,
    kind: i.kind,
    name: i.name,
    description: i.description ?? null,
    enabled: i.enabled,
    meta: { ...i.meta },
    settings: { ...i.settings },
    writeOnly: [...writeOnly],
    setup: i.setup ? { ...i.setup, checkedAt: i.setup.checkedAt.toISOString() } : null,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
  }
}

export const contactSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  upn: z.string().nullable(),
  email: z.string().nullable(),
  aadObjectId: z.string(),
  tenantId: z.string().describe('the contact’s own tenant'),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastSeenAt: z.string(),
})

export const contactBody = (c: Contact) => ({
  id: c.id,
  name: c.name ?? null,
  upn: c.upn ?? null,
  email: c.email ?? null,
  aadObjectId: c.aadObjectId,
  tenantId: c.tenantId,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
  lastSeenAt: c.lastSeenAt.toISOString(),
})

export const eventSchema = z.object({
  id: z.string(),
  type: z.string().describe('conversationUpdate, installationUpdate, setup'),
  data: z.record(z.string(), z.unknown()),
  occurredAt: z.string(),
  createdAt: z.string(),
})

export const eventBody = (e: IntegrationEvent) => ({
  id: e.id,
  type: e.type,
  data: { ...e.data },
  occurredAt: e.occurredAt.toISOString(),
  createdAt: e.createdAt.toISOString(),
})
