import { type Settings, stewardPaths } from '@steward/config'
import { createDb, migrateToLatest, type StewardDb } from '@steward/db'
import { ensureHome } from '../home/ensure-home.ts'

/**
 * Opens the database the settings name: PostgreSQL at DATABASE_URL, or the embedded PGlite in the
 * Steward home, served on a loopback port by this process (or reached through the process already
 * serving it).
 */
export async function openDatabase(
  settings: Settings,
  options: { poolSize?: number } = {},
): Promise<StewardDb> {
  if (settings.databaseUrl === undefined) await ensureHome(settings.home)
  return createDb(settings.databaseUrl, {
    embeddedDataDir: stewardPaths(settings.home).database,
    embeddedPort: settings.embeddedDbPort,
    ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
  })
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
