import type { Command } from 'commander'
import { migrateDatabase, openDatabase } from '../database/open-database.ts'
import { readCliSettings } from '../env.ts'
import { out } from '../output/print.ts'

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description("bring the database's schema up to date (steward dev does this on start)")
    .addHelpText(
      'after',
      `
Uses DATABASE_URL, or the embedded database in STEWARD_HOME/db when it is unset. Safe to run
again, and from several processes at once. A database with migrations this version does not know
is refused and left untouched.`,
    )
    .action(async () => {
      const db = await openDatabase(readCliSettings(), { migrates: true })
      try {
        out(`database: ${db.displayUrl}`)
        await migrateDatabase(db, out)
      } finally {
        await db.close()
      }
    })
}
