import { userInfo } from 'node:os'
import { openRuntimeQueue, type RunSnapshot, startRun, waitForRun } from '@steward/engine'
import { type Command, InvalidArgumentError } from 'commander'
import { auditCli } from '../audit/audit-cli.ts'
import { openDatabase } from '../database/open-database.ts'
import { readCliSettings } from '../env.ts'
import { cliError } from '../errors.ts'
import { out } from '../output/print.ts'
import { coerceParams } from '../project/coerce-params.ts'
import { assertQueueAnswers, queueTargetFor } from '../project/runtime-services.ts'

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('start a run of a deployed pipeline now')
    .argument('<pipeline>', 'the pipeline id, e.g. signup-funnel.build')
    .option('-p, --param <key=value>', 'a run parameter (repeat for several)', collectParam)
    .option('--partition <key>', 'the partition to build, e.g. 2026-11-02 (default: the latest complete one)')
    .option('--wait', 'follow the run until it ends; exit 0 only if it succeeded')
    .addHelpText(
      'after',
      `
Params are checked against the pipeline's schema before the run is created; a bad one is named
and no run is made. A worker (steward worker, or steward dev) runs the steps.

Example:
  steward run signup-funnel.build --param week=2025-W47 --wait
  steward run app-activity.daily --partition 2026-11-02 --wait`,
    )
    .action(
      async (
        pipelineId: string,
        options: { param?: Record<string, string>; partition?: string; wait?: boolean },
      ) => {
        const settings = readCliSettings()
        const db = await openDatabase(settings)
        const target = await queueTargetFor(settings, db)
        try {
          await assertQueueAnswers(target)
        } catch (error) {
          await db.close()
          throw error
        }
        const queue = openRuntimeQueue(target)
        try {
          const pipeline = await db.db
            .selectFrom('pipelines')
            .select(['id', 'params_schema'])
            .where('id', '=', pipelineId)
            .where('archived_at', 'is', null)
            .executeTakeFirst()
          if (!pipeline) {
            throw cliError(
              'PIPELINE_NOT_FOUND',
              `no deployed pipeline "${pipelineId}": steward list shows them`,
            )
          }
          const params = coerceParams(options.param ?? {}, pipeline.params_schema, pipelineId)
          const run = await startRun(db.db, queue, {
            pipelineId,
            params,
            trigger: 'manual',
            triggerDetail: { via: 'cli', by: userInfo().username },
            ...(options.partition === undefined ? {} : { partitionKey: options.partition }),
          })
          await auditCli(
            db.db,
            'run.start',
            { kind: 'run', id: run.runId },
            {
              pipelineId,
              params,
              partition: options.partition,
            },
          )
          const partition = await db.db
            .selectFrom('runs')
            .select('partition_key')
            .where('id', '=', run.runId)
            .executeTakeFirst()
          const of = partition?.partition_key ? ` of partition ${partition.partition_key}` : ''
          out(
            `run ${run.runId}${of} ${run.admitted ? 'queued' : 'waiting: the pipeline is at its maxConcurrentRuns'}`,
          )
          if (!options.wait) return

          const started = Date.now()
          const hint = setTimeout(
            () => out('  (still queued: is a worker running? steward dev or steward worker)'),
            15_000,
          )
          const last = await waitForRun(db.db, run.runId, {
            onProgress: (snapshot) => {
              if (snapshot.run.status !== 'queued') clearTimeout(hint)
              out(`  ${describeProgress(snapshot)}`)
            },
          }).finally(() => clearTimeout(hint))
          const seconds = ((Date.now() - started) / 1000).toFixed(1)
          if (last.run.status !== 'succeeded') {
            const failed = last.steps.find((step) => step.status === 'failed')
            const why = failed ? `: step ${failed.step_id}: ${failed.error?.message ?? 'failed'}` : ''
            throw cliError('RUN_FAILED', `run ${run.runId} ${last.run.status} after ${seconds} s${why}`)
          }
          out(`run ${run.runId} succeeded in ${seconds} s`)
        } finally {
          await queue.close()
          await db.close()
        }
      },
    )
}

const marks: Record<string, string> = {
  pending: '·',
  queued: '…',
  running: '▶',
  succeeded: '✓',
  failed: '✗',
  cancelled: '⊘',
  skipped: '–',
}

function describeProgress({ run, steps }: RunSnapshot): string {
  const parts = steps.map((step) => {
    const retry = step.attempt_count > 1 ? ` (attempt ${step.attempt_count})` : ''
    return `${marks[step.status] ?? '?'} ${step.step_id}${retry}`
  })
  return `${run.status.padEnd(9)} ${parts.join('  ')}`
}

function collectParam(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const at = value.indexOf('=')
  if (at < 1) throw new InvalidArgumentError('expected key=value')
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) }
}
