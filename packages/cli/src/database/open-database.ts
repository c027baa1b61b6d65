import { type Settings, stewardPaths } from '@steward/config'
import { createDb, migrateToLatest, readSchemaState, type StewardDb } from '@steward/db'
import { cliError } from '../errors.ts'
import { ensureHome } from '../home/ensure-home.ts'

export interface OpenDatabaseOptions {
  poolSize?: number
  /**
   * The command brings the schema up to date itself (migrate, dev, deploy, worker). Otherwise a
   * database missing migrations is refused here, in one line naming `steward migrate`, instead of
   * failing later on the first missing table.
   */
  migrates?: boolean
}

/**
 * Opens the database the settings name: PostgreSQL at DATABASE_URL, or the embedded PGlite in the
 * Steward home, served on a loopback port by this process (or reached through the process already
 * serving it). Every command opens it here, so this is where the schema is checked.
 */
export async function openDatabase(
  settings: Settings,
  options: OpenDatabaseOptions = {},
): Promise<StewardDb> {
  if (settings.databaseUrl === undefined) await ensureHome(settings.home)
  const db = await createDb(settings.databaseUrl, {
    embeddedDataDir: stewardPaths(settings.home).database,
    embeddedPort: settings.embeddedDbPort,
    ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
  })
  if (options.migrates) return db
  try {
    await assertMigrated(db)
  } catch (error) {
    await db.close()
    throw error
  }
  return db
}

/** One line naming `steward migrate` when the schema is older than this code (or was never made). */
export async function assertMigrated(db: StewardDb): Promise<void> {
  const { executed, pending } = await readSchemaState(db.db)
  if (pending.length === 0) return
  throw cliError(
    'DATABASE_NOT_MIGRATED',
    executed.length === 0
      ? `the database at ${db.displayUrl} was never migrated: run \`steward migrate\` first`
      : `the database at ${db.displayUrl} is missing ${pending.length} migration${pending.length === 1 ? '' : 's'} of this Steward (${pending[0]}…): run \`steward migrate\` first`,
  )
}

/** Brings the schema up to date and says what changed. Refuses a database newer than this code. */
export async function migrateDatabase(db: StewardDb, log: (line: string) => void): Promise<void> {
  const report = await migrateToLatest(db.db)
  for (const name of report.applied) log(`database: applied migration ${name}`)
  if (report.applied.length === 0) {
    const count = report.current.length
    log(`database: schema is up to date (${count} migration${count === 1 ? '' : 's'})`)
  }
}
