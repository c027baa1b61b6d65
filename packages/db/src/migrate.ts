import { StewardError } from '@steward/kernel'
import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely'
import { migrationProvider, migrations } from './migrations/index.ts'
import type { Database } from './schema.ts'

export interface MigrationReport {
  /** Migrations this call applied, in order (empty when the database was current). */
  applied: string[]
  /** Every migration the database has now. */
  current: string[]
}

/**
 * Brings the database to the newest schema this code knows. Safe to call on every start and from
 * several processes at once (Kysely's migration lock). A database that has migrations this code
 * does not know is left untouched: that means an older Steward is pointed at a newer database.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  await refuseNewerDatabase(db)
  const migrator = new Migrator({ db, provider: migrationProvider })
  const result = await migrator.migrateToLatest()
  if (result.error) throw migrationError(result)
  const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
  const current = (await migrator.getMigrations()).filter((m) => m.executedAt).map((m) => m.name)
  return { applied, current }
}

/** Which of this code's migrations the database has run, and which it has not. */
export interface SchemaState {
  executed: string[]
  pending: string[]
}

/**
 * Reads the migration table without changing anything: a never-migrated database has no table,
 * hence nothing executed and every migration pending.
 */
export async function readSchemaState(db: Kysely<Database>): Promise<SchemaState> {
  const table = await sql<{
    exists: boolean
  }>`select to_regclass('kysely_migration') is not null as exists`.execute(db)
  const executed = table.rows[0]?.exists
    ? (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map(
        (r) => r.name,
      )
    : []
  const done = new Set(executed)
  return {
    executed,
    pending: Object.keys(migrations)
      .filter((name) => !done.has(name))
      .sort(),
  }
}

async function refuseNewerDatabase(db: Kysely<Database>): Promise<void> {
  const table = await sql<{
    exists: boolean
  }>`select to_regclass('kysely_migration') is not null as exists`.execute(db)
  if (!table.rows[0]?.exists) return
  const executed = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)
  const unknown = executed.rows.map((r) => r.name).filter((name) => !(name in migrations))
  if (unknown.length > 0) {
    throw new StewardError(
      'DATABASE_NEWER_THAN_CODE',
      `the database has migrations this version of Steward does not know (${unknown.join(', ')}): ` +
        'upgrade Steward, or point DATABASE_URL at another database; nothing was changed',
    )
  }
}

function migrationError(result: MigrationResultSet): StewardError {
  const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
  const cause = result.error
  return new StewardError(
    'DATABASE_MIGRATION_FAILED',
    `migration ${failed} failed and was rolled back: ${(cause as Error)?.message ?? String(cause)}`,
    { cause },
  )
}
