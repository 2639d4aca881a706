import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'

import { openStore } from '../../src/infra/store/index.ts'

/** The server the test suites use (README: PostgreSQL on 127.0.0.1, trust auth). */
export const POSTGRES_ADMIN_URL =
  process.env.CXB_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface TestPostgresDatabase {
  readonly url: string
  readonly name: string
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>
}

/**
 * A fresh, empty database for one test file. Fails (never skips) when PostgreSQL is down, so
 * a green run always means the suite ran.
 */
export async function createTestPostgresDatabase(): Promise<TestPostgresDatabase> {
  const name = `cxb_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`
  await admin(`CREATE DATABASE ${name}`)
  const url = new URL(POSTGRES_ADMIN_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  }
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL}`, { cause: error })
  }
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/**
 * Registers hooks that create a database for this test file, migrate it once and drop it after
 * the file; returns its URL (read it inside tests and hooks, once beforeAll has run).
 */
export function useMigratedPostgresDatabase(): () => string {
  let database: TestPostgresDatabase | undefined
  beforeAll(async () => {
    database = await createTestPostgresDatabase()
    const store = await openStore({ url: database.url })
    await store.migrate()
    await store.close()
  })
  afterAll(() => database?.drop())
  return () => {
    if (!database) throw new Error('the test database is created in beforeAll')
    return database.url
  }
}
