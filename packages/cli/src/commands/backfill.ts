import type { BackfillMode, StewardDb } from '@steward/db'
import {
  type BackfillProgress,
  cancelBackfill,
  getBackfillProgress,
  openRuntimeQueue,
  startBackfill,
} from '@steward/engine'
import { type Command, InvalidArgumentError } from 'commander'
import { auditCli } from '../audit/audit-cli.ts'
import { openDatabase } from '../database/open-database.ts'
import { readCliSettings } from '../env.ts'
import { cliError } from '../errors.ts'
import { backfillBar } from '../output/backfill-bar.ts'
import { out } from '../output/print.ts'
import { assertQueueAnswers, queueTargetFor } from '../project/runtime-services.ts'

interface BackfillOptions {
  from?: string
  to?: string
  onlyFailed?: boolean
  onlyMissing?: boolean
  concurrency: number
  withDownstream?: boolean
  follow?: string
  cancel?: string
  detach?: boolean
}

export function registerBackfillCommand(program: Command): void {
  program
    .command('backfill')
    .description('rerun a range of partitions of a pipeline, a bounded number at a time')
    .argument('[pipeline]', 'the pipeline id, e.g. app-activity.daily')
    .option('--from <key>', 'first partition, e.g. 2026-10-01')
    .option('--to <key>', 'last partition (included), e.g. 2026-10-31')
    .option('--only-failed', 'only partitions whose latest run failed')
    .option('--only-missing', 'only partitions that never succeeded')
    .option('--concurrency <n>', 'runs at once', positiveInt, 4)
    .option('--with-downstream', 'also rerun the pipelines that follow this one, with the mapped partitions')
    .option('--follow <backfill-id>', 'show the progress of a backfill started earlier')
    .option('--cancel <backfill-id>', 'cancel a backfill and every run of it not yet ended')
    .option('--detach', 'create the backfill and exit without following it')
    .addHelpText(
      'after',
      `
Every run of the backfill is created in the database at once and workers take them, at most
--concurrency at a time; this command only watches. Interrupt it (Ctrl-C) and the backfill goes on;
pick it up again with --follow <id>, or stop it with --cancel <id>. Exits 0 when every run succeeded.

Examples:
  steward backfill app-activity.daily --from 2026-10-01 --to 2026-10-31 --concurrency 4
  steward backfill app-activity.daily --from 2026-10-01 --to 2026-10-31 --only-failed --with-downstream`,
    )
    .action(async (pipelineId: string | undefined, options: BackfillOptions) => {
      const settings = readCliSettings()
      const db = await openDatabase(settings)
      try {
        if (options.cancel) {
          const target = await queueTargetFor(settings, db)
          await assertQueueAnswers(target)
          const queue = openRuntimeQueue(target)
          try {
            const { cancelledRuns } = await cancelBackfill(db.db, options.cancel, { queue })
            await auditCli(
              db.db,
              'backfill.cancel',
              { kind: 'backfill', id: options.cancel },
              { cancelledRuns },
            )
            out(`backfill ${options.cancel} cancelled (${cancelledRuns} run(s) stopped)`)
          } finally {
            await queue.close()
          }
          return
        }
        let backfillId = options.follow
        if (!backfillId) {
          if (!pipelineId)
            throw cliError('USAGE', 'name the pipeline to backfill, or --follow / --cancel a backfill id')
          if (options.onlyFailed && options.onlyMissing)
            throw cliError('USAGE', '--only-failed and --only-missing cannot be used together')
          const mode: BackfillMode = options.onlyFailed
            ? 'only-failed'
            : options.onlyMissing
              ? 'only-missing'
              : 'all'
          const target = await queueTargetFor(settings, db)
          await assertQueueAnswers(target)
          const queue = openRuntimeQueue(target)
          try {
            const created = await startBackfill(db.db, queue, {
              pipelineId,
              ...(options.from === undefined ? {} : { from: options.from }),
              ...(options.to === undefined ? {} : { to: options.to }),
              mode,
              concurrency: options.concurrency,
              withDownstream: options.withDownstream ?? false,
            })
            backfillId = created.backfillId
            await auditCli(
              db.db,
              'backfill.start',
              { kind: 'backfill', id: backfillId },
              {
                pipelineId,
                from: options.from,
                to: options.to,
                mode,
                concurrency: options.concurrency,
                withDownstream: options.withDownstream ?? false,
              },
            )
            const range =
              created.partitions.length > 0
                ? ` (${created.partitions[0]} … ${created.partitions.at(-1)})`
                : ''
            out(
              `backfill ${backfillId}: ${created.partitions.length} partition(s)${range}, ${options.concurrency} at a time`,
            )
          } finally {
            await queue.close()
          }
          if (options.detach) return
        }
        const last = await followBackfill(db, backfillId)
        if (last.failed > 0 || last.backfill.status !== 'succeeded')
          throw cliError(
            'BACKFILL_FAILED',
            `backfill ${backfillId} ${last.backfill.status}: ${last.failed} failed, ${last.cancelled} cancelled; rerun the failed ones with --only-failed`,
          )
        out(`backfill ${backfillId} succeeded: ${last.succeeded} run(s)`)
      } finally {
        await db.close()
      }
    })
}

/** Prints progress until the backfill ends; Ctrl-C leaves it running and says how to come back. */
async function followBackfill(db: StewardDb, backfillId: string): Promise<BackfillProgress> {
  const tty = process.stdout.isTTY === true
  const started = Date.now()
  let first: BackfillProgress | undefined
  let lastLine = ''
  let interrupted = false
  const onInterrupt = () => {
    interrupted = true
  }
  process.once('SIGINT', onInterrupt)
  try {
    for (;;) {
      const progress = await getBackfillProgress(db.db, backfillId)
      first ??= progress
      const finishedAtStart = first.succeeded + first.failed + first.cancelled
      const line = backfillBar(progress, finishedAtStart, Date.now() - started)
      if (tty) process.stdout.write(`\r\x1b[2K${line}`)
      else if (stripRate(line) !== stripRate(lastLine)) out(line)
      lastLine = line
      if (progress.done) {
        if (tty) process.stdout.write('\n')
        return progress
      }
      if (interrupted) {
        if (tty) process.stdout.write('\n')
        throw cliError(
          'INTERRUPTED',
          `stopped following; backfill ${backfillId} goes on in the workers: steward backfill --follow ${backfillId} (or --cancel ${backfillId})`,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, tty ? 250 : 1_000))
    }
  } finally {
    process.off('SIGINT', onInterrupt)
  }
}

/** Log lines (not a terminal) change only when the counts do, not at every rate update. */
const stripRate = (line: string) => line.split(' · ').slice(0, 2).join(' · ')

function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number above 0')
  return n
}
