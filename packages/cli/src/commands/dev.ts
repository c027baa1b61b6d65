import type { Command } from 'commander'
import { runDev } from '../dev/run-dev.ts'
import { readCliSettings } from '../env.ts'
import { err, out } from '../output/print.ts'
import { configHelp, lookUpConfig } from '../project/find-config.ts'

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run everything on this machine: database, queue, the web UI and the worker')
    .option('--no-web', 'do not start the web UI (headless, or for tests)')
    .option('--no-first-runs', 'do not run scheduled pipelines that never ran once at start')
    .option('-c, --config <file>', `${configHelp}: deployed on start when there is one`)
    .addHelpText(
      'after',
      `
Without DATABASE_URL, an embedded PostgreSQL (PGlite) kept in STEWARD_HOME/db is served on a
loopback port, and migrations run before anything else. The queue is the Redis at REDIS_URL when
one answers; when none answers on this machine, it runs in the database (BullMQ's PostgreSQL
backend), and other commands on the same STEWARD_HOME follow. STEWARD_QUEUE=redis starts
redis-server instead, with its data in STEWARD_HOME/redis (installed with apt-get when missing and
running as root); STEWARD_QUEUE=postgres always uses the database. Ctrl-C stops everything this
command started.

Settings: DATABASE_URL, STEWARD_QUEUE (redis or postgres), REDIS_URL (default
redis://127.0.0.1:6379), PORT (default 3000), STEWARD_HOME (default ./.steward), STEWARD_DB_PORT
(embedded database port, default any).`,
    )
    .action(async (options: { web: boolean; firstRuns: boolean; config?: string }) => {
      await runDev(
        readCliSettings(),
        { web: options.web, config: lookUpConfig(options.config), firstRuns: options.firstRuns },
        { out, err },
      )
    })
}
