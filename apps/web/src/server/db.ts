import { stewardPaths } from '@steward/config'
import { createDb, type StewardDb } from '@steward/db'
import { settings } from '../env.ts'

// Cached on globalThis, not in a module variable: `next dev` re-evaluates modules on every edit,
// and each evaluation would otherwise open a new pool (and, without DATABASE_URL, try to start a
// second embedded server on the same folder).
const cache = globalThis as typeof globalThis & { __stewardWebDb?: Promise<StewardDb> }

/**
 * The process-wide database: PostgreSQL at DATABASE_URL, or else the embedded PGlite that
 * `steward dev` serves from STEWARD_HOME (started here when none runs). The web app only reads:
 * migrations are the CLI's job at start.
 */
export function getDb(): Promise<StewardDb> {
  cache.__stewardWebDb ??= open().catch((error: unknown) => {
    // A failed connection is not cached, so the next request tries again (the database may
    // just be starting).
    cache.__stewardWebDb = undefined
    throw error
  })
  return cache.__stewardWebDb
}

function open(): Promise<StewardDb> {
  const { databaseUrl, home, embeddedDbPort } = settings()
  return createDb(databaseUrl, {
    embeddedDataDir: stewardPaths(home).database,
    embeddedPort: embeddedDbPort,
    // Page renders run a handful of short queries; the workers need the connections more.
    poolSize: 5,
  })
}
