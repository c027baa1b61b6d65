import type { Command } from 'commander'
import { notBuiltNote, pipelinesEngineNotBuilt } from './not-built.ts'

export function registerDeployCommand(program: Command): void {
  program
    .command('deploy')
    .description('validate the definitions and sync them into the catalog, with their schedules')
    .option('-c, --config <file>', 'the project file naming the definitions', 'steward.config.ts')
    .addHelpText(
      'after',
      `
Validates first, then upserts products and pipelines into the database (a new version when a
definition changed) and the schedules into Redis. Nothing is deployed if validation fails.${notBuiltNote}`,
    )
    .action(() => pipelinesEngineNotBuilt('deploy'))
}
