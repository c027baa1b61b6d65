import { Command } from 'commander'
import { registerBackfillCommand } from './commands/backfill.ts'
import { registerDeployCommand } from './commands/deploy.ts'
import { registerDevCommand } from './commands/dev.ts'
import { registerInitCommand } from './commands/init.ts'
import { registerListCommand } from './commands/list.ts'
import { registerMigrateCommand } from './commands/migrate.ts'
import { registerPruneCommand } from './commands/prune.ts'
import { registerRunCommand } from './commands/run.ts'
import { registerRunsCommand } from './commands/runs.ts'
import { registerSchedulesCommand } from './commands/schedules.ts'
import { registerStartCommand } from './commands/start.ts'
import { registerTokensCommand } from './commands/tokens.ts'
import { registerValidateCommand } from './commands/validate.ts'
import { registerWorkerCommand } from './commands/worker.ts'
import { cliVersion } from './version.ts'

/**
 * The `steward` command and its subcommands. Subcommands are added with `program.command()` so
 * they inherit `exitOverride` and the one-line error output.
 */
export function createProgram(): Command {
  const program = new Command('steward')
    .description('Steward: data products with pipelines in TypeScript, alerts in Slack, usage and cost.')
    .version(cliVersion, '-v, --version')
    .exitOverride()
    .configureOutput({
      // Commander's own errors (unknown command, missing argument) follow our one-line format.
      outputError: (text, write) => write(`steward: ${commanderMessage(text)}\n`),
    })
    .addHelpText(
      'after',
      '\nSettings come from the environment: DATABASE_URL, REDIS_URL, PORT, STEWARD_HOME.\nSet STEWARD_DEBUG=1 to see stack traces of unexpected errors.',
    )

  registerInitCommand(program)
  registerDevCommand(program)
  registerStartCommand(program)
  registerWorkerCommand(program)
  registerValidateCommand(program)
  registerDeployCommand(program)
  registerRunCommand(program)
  registerRunsCommand(program)
  registerBackfillCommand(program)
  registerSchedulesCommand(program)
  registerListCommand(program)
  registerMigrateCommand(program)
  registerPruneCommand(program)
  registerTokensCommand(program)
  return program
}

/** "error: unknown command 'x'\n" → "unknown command 'x'" */
function commanderMessage(text: string): string {
  return text
    .replace(/^error: /, '')
    .trim()
    .split('\n')
    .join(' ')
}
