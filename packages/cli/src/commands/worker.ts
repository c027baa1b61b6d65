import { stewardPaths } from '@steward/config'
import { type Command, InvalidArgumentError } from 'commander'
import { migrateDatabase, openDatabase } from '../database/open-database.ts'
import { readCliSettings, readSlackSettings, warehouseVariables } from '../env.ts'
import { out } from '../output/print.ts'
import { loadAndValidate } from '../project/deploy-project.ts'
import { configHelp, findConfig } from '../project/find-config.ts'
import { assertQueueAnswers, describeQueue, queueTargetFor } from '../project/runtime-services.ts'
import { startWorkerRole } from '../roles/worker-role.ts'
import { onShutdownSignals } from '../services/shutdown-signals.ts'

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run pipeline steps from the queue (start as many as the load needs)')
    .option('-c, --config <file>', configHelp)
    .option('--concurrency <n>', 'steps this worker runs at the same time', positiveInteger, 10)
    .addHelpText(
      'after',
      `
A worker takes steps from the queue (BullMQ on Redis at REDIS_URL, or with STEWARD_QUEUE=postgres
on the database itself), runs the step code from the project's definitions, and records attempts,
logs, metrics and cost in the database (DATABASE_URL). It also runs the reconciler, which
re-enqueues steps the queue lost and fails steps whose worker died. Ctrl-C or
SIGTERM stops it gracefully: running steps finish and are recorded first.`,
    )
    .action(async (options: { config?: string; concurrency: number }) => {
      const configFile = findConfig(options.config)
      const settings = readCliSettings()
      const project = await loadAndValidate(configFile)
      // A connection per step in flight, plus the heartbeat's and the reconciler's: steps that wait
      // for a pooled connection wait for nothing useful (the engine benchmark measured ~90 ms).
      const db = await openDatabase(settings, { poolSize: options.concurrency + 2, migrates: true })
      try {
        await migrateDatabase(db, out)
        const queue = await queueTargetFor(settings, db)
        await assertQueueAnswers(queue)
        out(`queue: ${describeQueue(queue, db)}`)
        const runtime = await startWorkerRole({
          db,
          queue,
          project,
          concurrency: options.concurrency,
          workerLoss: settings,
          inboxRoot: stewardPaths(settings.home).inbox,
          warehouse: { stewardHome: settings.home, variables: warehouseVariables() },
          slack: readSlackSettings(),
          receivers: settings.receivers,
          retention: settings.retention,
          publicUrl: settings.publicUrl,
          log: out,
        })
        out('worker: Ctrl-C to stop')
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          onShutdownSignals(resolve, () => process.exit(130))
        })
        out(`worker: ${signal}, finishing the steps in flight (Ctrl-C again to force)`)
        await runtime.close()
        out('worker: stopped')
      } finally {
        await db.close()
      }
    })
}

export function positiveInteger(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1')
  return n
}
