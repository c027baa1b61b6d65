import type { Command } from 'commander'
import { migrateDatabase, openDatabase } from '../database/open-database.ts'
import { readCliSettings } from '../env.ts'
import { out } from '../output/print.ts'
import { deployProject } from '../project/deploy-project.ts'

export function registerDeployCommand(program: Command): void {
  program
    .command('deploy')
    .description('validate the definitions and sync them into the catalog')
    .option('-c, --config <file>', 'the project file naming the definitions', 'steward.config.ts')
    .addHelpText(
      'after',
      `
Validates first, then upserts products and pipelines into the database in one transaction (a new
version when a definition changed; products and pipelines gone from code are archived, with their
history kept). Nothing is deployed if validation fails. Turning schedules into BullMQ job
schedulers arrives with the worker runtime; until then schedules are stored but do not fire.`,
    )
    .action(async (options: { config: string }) => {
      const db = await openDatabase(readCliSettings())
      try {
        out(`database: ${db.displayUrl}`)
        await migrateDatabase(db, out)
        await deployProject(db, options.config, out)
      } finally {
        await db.close()
      }
    })
}
