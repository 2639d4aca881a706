import { ConflictError } from '../../core/errors.ts'

/**
 * Turns a unique or foreign-key violation into a ConflictError (a 409 at the edge) and rethrows
 * anything else. Codes: better-sqlite3 `SQLITE_CONSTRAINT_*`; PostgreSQL SQLSTATE 23505/23503
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html).
 */
export async function mapConstraintErrors<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (
      code === '23505' ||
      code === 'SQLITE_CONSTRAINT_UNIQUE' ||
      code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
    ) {
      throw new ConflictError(`${what} already exists`, { cause: error })
    }
    if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new ConflictError(`${what} refers to or is used by another record`, { cause: error })
    }
    throw error
  }
}
