import { randomBytes, randomUUID } from 'node:crypto'

/** Open Messaging message ids are 32 lower-case hex characters (e.g. `8085cbb3f778c34de0bd14c5318ec44c`). */
export const messageId = (): string => randomBytes(16).toString('hex')

/** Conversations, participants, context ids: UUIDs. */
export const uuid = (): string => randomUUID()

/** Download ids look like `pce9ac7dc17eab202a3` in real webhook payloads. */
export const downloadId = (): string => `pce${randomBytes(8).toString('hex')}`

/** Opaque bearer token (real ones are ~64 url-safe characters). */
export const accessToken = (): string => randomBytes(48).toString('base64url')
