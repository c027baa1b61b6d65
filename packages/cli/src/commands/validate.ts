import type { Command } from 'commander'
import { notBuiltNote, pipelinesEngineNotBuilt } from './not-built.ts'

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check the products and pipelines defined in code, without deploying them')
    .option('-c, --config <file>', 'the project file naming the definitions', 'steward.config.ts')
    .addHelpText(
      'after',
      `
Loads the definitions and checks them: unique ids, steps that exist, no cycles, valid cron and
timezone, owners with a Slack destination, serialisable params. Each problem names the file, the
definition and the field; the exit code is non-zero if there is one.${notBuiltNote}`,
    )
    .action(() => pipelinesEngineNotBuilt('validate'))
}
