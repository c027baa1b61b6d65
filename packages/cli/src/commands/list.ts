import type { Command } from 'commander'
import { notBuiltNote, pipelinesEngineNotBuilt } from './not-built.ts'

export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description('list deployed products and their pipelines, with schedules and last runs')
    .option('--json', 'print JSON instead of a table')
    .addHelpText('after', notBuiltNote.replace(/^\n/, ''))
    .action(() => pipelinesEngineNotBuilt('list'))
}
