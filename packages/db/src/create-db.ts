import { redactUrl, StewardError } from '@steward/kernel'
import { Kysely } from 'kysely'
import pg from 'pg'
import { parseDatabaseUrl } from './database-url.ts'
import { StewardDialect } from './driver/steward-dialect.ts'
import { openEmbeddedPostgres } from './embedded/embedded-postgres.ts'
import type { Database } from './schema.ts'

export interface StewardDb {
  db: Kysely<Database>
  /** The URL the pool connects to, password redacted: safe to print. */
  displayUrl: string
  /** The URL itself, for child processes (`DATABASE_URL`); never print it. */
  url: string
  /** True when this process serves the embedded database. */
  embedded: boolean
  close(): Promise<void>
}

export interface CreateDbOptions {
  /** Folder of the embedded PGlite database, used when `url` is empty. */
  embeddedDataDir: string
  /** Name of the setting the URL came from, for error messages. */
  setting?: string
  /** Port for the embedded server (0 or unset: any free port). */
  embeddedPort?: number
  poolSize?: number
}

/**
 * Opens Steward's database: PostgreSQL at `url`, or the embedded PGlite when `url` is empty.
 * Both are reached through `pg`, so there is one SQL dialect and one code path. Fails with a
 * one-line `StewardError` when the URL is malformed or nothing answers there.
 */
export async function createDb(url: string | undefined, options: CreateDbOptions): Promise<StewardDb> {
  const setting = options.setting ?? 'DATABASE_URL'
  const target = parseDatabaseUrl(url, options.embeddedDataDir, setting)
  const embedded =
    target.kind === 'embedded'
      ? await openEmbeddedPostgres(target.dataDir, { port: options.embeddedPort ?? 0 })
      : undefined
  const connectionString = embedded?.url ?? (target.kind === 'postgres' ? target.url : '')
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
  })
  // An idle client that loses its server emits here; without a listener the process would crash.
  pool.on('error', () => {})

  let version: string
  try {
    const { rows } = await pool.query<{ version: string }>('select version() as version')
    version = rows[0]?.version ?? ''
  } catch (error) {
    await pool.end()
    await embedded?.stop()
    const where =
      target.kind === 'embedded' ? `the embedded database in ${target.dataDir}` : redactUrl(connectionString)
    throw new StewardError(
      'DATABASE_UNREACHABLE',
      `could not connect to ${where} (${setting}): ${describeConnectionError(error)}`,
      { cause: error },
    )
  }
  // PGlite (embedded, or served by another process) has one backend behind all connections: named
  // statements would clash there. Holding `begin` back was never measured on it; it stays off too.
  const pglite = embedded !== undefined || version.includes('PGlite')
  const db = new Kysely<Database>({
    dialect: new StewardDialect({ pool, namedStatements: !pglite, deferBegin: !pglite }),
  })
  const close = async () => {
    await db.destroy()
    await embedded?.stop()
  }
  return {
    db,
    url: connectionString,
    displayUrl: target.kind === 'embedded' ? `embedded (${target.dataDir})` : redactUrl(connectionString),
    embedded: embedded?.owned ?? false,
    close,
  }
}

function describeConnectionError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ECONNREFUSED') return 'connection refused; is the server running?'
  if (code === 'ENOTFOUND') return 'unknown host'
  if (code === '3D000') return 'the database does not exist; create it first'
  if (code === '28P01' || code === '28000') return 'authentication failed; check the user and password'
  return (error as Error).message
}
