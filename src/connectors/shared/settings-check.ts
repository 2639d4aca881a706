import type { z } from 'zod'

import type { JsonObject } from '../../core/model/json.ts'
import type { SettingsCheck, SettingsIssue } from '../../core/ports/integration-kinds.ts'

/**
 * Runs a connector's settings schema for the management API: the parsed settings (defaults
 * applied), or issues naming each bad field. An unknown key is reported at its own path, and
 * no issue carries the rejected value.
 */
export function checkSettings(schema: z.ZodType, input: unknown): SettingsCheck {
  const result = schema.safeParse(input)
  if (result.success) return { ok: true, settings: result.data as JsonObject }
  const issues: SettingsIssue[] = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: [...issue.path.map(String), key],
          message: 'is not a known setting',
        }))
      : [{ path: issue.path.map(String), message: issue.message }],
  )
  return { ok: false, issues }
}
