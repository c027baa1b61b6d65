import { type Command, InvalidArgumentError } from 'commander'
import { notBuiltNote, pipelinesEngineNotBuilt } from './not-built.ts'

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run pipeline steps from the queues (start as many as the load needs)')
    .option('--concurrency <n>', 'steps this worker runs at the same time', positiveInteger, 10)
    .addHelpText(
      'after',
      `
A worker takes steps from Redis (BullMQ), runs them, and records attempts, metrics and cost in
the database (DATABASE_URL, REDIS_URL). Stop it with Ctrl-C: running steps finish first.${notBuiltNote}`,
    )
    .action(() => pipelinesEngineNotBuilt('worker'))
}

function positiveInteger(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1')
  return n
}
