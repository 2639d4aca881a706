import type { Kysely } from 'kysely'

import type { Clock } from '../../../core/ports/clock.ts'
import type { Codec } from '../codec.ts'
import type { Database } from '../schema.ts'

export interface RepositoryContext {
  readonly db: Kysely<Database>
  readonly codec: Codec
  readonly clock: Clock
}
