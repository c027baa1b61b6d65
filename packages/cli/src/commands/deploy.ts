import type { Command } from 'commander'
import { migrateDatabase, openDatabase } from '../database/open-database.ts'
import { readCliSettings, warehouseVariables } from '../env.ts'
import { out } from '../output/print.ts'
import { deployProject } from '../project/deploy-project.ts'
import { configHelp, findConfig } from '../project/find-config.ts'
import {
  assertQueueAnswers,
  describeQueue,
  queueTargetFor,
  syncProjectSchedules,
} from '../project/runtime-services.ts'

export function registerDeployCommand(program: Command): void {
  program
    .command('deploy')
    .description('validate the definitions and sync them into the catalog')
    .option('-c, --config <file>', configHelp)
    .option('--force', 'deploy even if a new partition scheme leaves partitions that already ran outside it')
    .addHelpText(
      'after',
      `
Validates first, then upserts products and pipelines into the database in one transaction (a new
version when a definition changed; products and pipelines gone from code are archived, with their
history kept), then makes the BullMQ job schedulers in the queue (Redis, or the database with
STEWARD_QUEUE=postgres) match the schedules (a pipeline
removed from code stops firing). Nothing is deployed if validation fails. Each warehouse connection
that answers is asked to plan every table check (under limit 0): a check whose SQL it refuses fails
the deploy; checks of tables not created yet are judged at their first run.`,
    )
    .action(async (options: { config?: string; force?: boolean }) => {
      const configFile = findConfig(options.config)
      const settings = readCliSettings()
      const db = await openDatabase(settings, { migrates: true })
      try {
        out(`database: ${db.displayUrl}`)
        await migrateDatabase(db, out)
        const { result } = await deployProject(db, configFile, out, {
          force: options.force ?? false,
          warehouse: { stewardHome: settings.home, variables: warehouseVariables() },
        })
        const queue = await queueTargetFor(settings, db)
        await assertQueueAnswers(queue)
        out(`queue: ${describeQueue(queue, db)}`)
        await syncProjectSchedules(queue, result.schedules, out)
      } finally {
        await db.close()
      }
    })
}
