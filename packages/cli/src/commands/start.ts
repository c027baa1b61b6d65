import type { Command } from 'commander'
import { err, out } from '../output/print.ts'
import { configHelp, findConfig } from '../project/find-config.ts'
import { parseRoles, roles } from '../roles/role-names.ts'
import { runRoles } from '../roles/run-roles.ts'
import { positiveInteger } from './worker.ts'

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run Steward in production: the web server, workers and the scheduler, as roles')
    .option(
      '--role <roles>',
      `what this process runs: ${roles.join(', ')} or all (repeat or comma-separate; default all)`,
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('-c, --config <file>', `${configHelp}; the worker role needs it`)
    .option('--concurrency <n>', 'steps the worker role runs at the same time', positiveInteger, 10)
    .addHelpText(
      'after',
      `
Roles, each safe to run as many times as wanted on as many machines:
  web        the production web UI and HTTP API (next start over the built UI) on PORT
  worker     runs pipeline steps from the queue (what \`steward worker\` runs)
  scheduler  the reconciler, alert timers and Slack delivery, and usage folding

Needs DATABASE_URL (PostgreSQL, migrated with \`steward migrate\`), REDIS_URL unless
STEWARD_QUEUE=postgres, and STEWARD_USAGE_SALT; STEWARD_SESSION_SECRET when sign-in is on.
Never starts a database or Redis and never deploys (\`steward deploy\` is a CI step).
SIGTERM or Ctrl-C stops it within 10 s. See docs/production.md.`,
    )
    .action(async (options: { role?: string[]; config?: string; concurrency: number }) => {
      const chosen = parseRoles(options.role ?? [])
      await runRoles(
        {
          roles: chosen,
          configFile: chosen.has('worker') ? () => findConfig(options.config) : undefined,
          concurrency: options.concurrency,
        },
        { out, err },
      )
    })
}
