import { randomUUID } from 'node:crypto'
import { json, type StepSpec } from '@steward/db'
import { StewardError } from '@steward/kernel'
import { enqueueSteps, type RuntimeQueue, type StepToEnqueue } from '../queue/runtime-queue.ts'
import { advanceRun } from '../store/advance-run.ts'
import type { Db } from '../store/db.ts'
import { lockRun } from '../store/lock-run.ts'
import { countActiveRuns, lockAdmission } from './admit-runs.ts'

export interface RetriedRun {
  /** The new run. */
  runId: string
  /** Steps whose output was copied from the failed run instead of running again. */
  reused: string[]
  /** Steps that run again (the failed, skipped and cancelled ones, and whatever changed in code). */
  rerun: string[]
}

export interface RetryRunOptions {
  /** Recorded in the new run's `trigger_detail` beside `retryOf` (e.g. `{ via: 'web' }`). */
  triggerDetail?: Record<string, unknown>
}

/**
 * Retry from failed: starts a **new run** of the same pipeline with the same params, in which the
 * steps that succeeded in `runId` are already `succeeded` with their outputs copied (no attempt,
 * `attempt_count` 0), and every other step is `pending`; the ready ones are queued at once.
 *
 * A new run rather than the same one, so history stays true: the failed run keeps its status,
 * error, attempts and cost, and the retry has its own (it costs only what runs again). The link is
 * `trigger_detail.retryOf` (trigger `manual`).
 *
 * A succeeded step is reused only when it is unchanged in the pipeline's current version (same
 * code hash and needs) and everything it needs is reused too; a deploy that fixed a step re-runs
 * that step and everything downstream of it. Only failed or cancelled runs can be retried, and
 * not while the pipeline has no free `maxConcurrentRuns` slot (a retry starts at once or not at all).
 * Errors: `RUN_NOT_FOUND`, `RUN_NOT_RETRYABLE`, `PIPELINE_ARCHIVED`, `PIPELINE_BUSY`.
 *
 * @example
 * const { runId } = await retryRun(db, queue, failedRunId, { triggerDetail: { via: 'cli' } })
 */
export async function retryRun(
  db: Db,
  queue: RuntimeQueue,
  runId: string,
  options: RetryRunOptions = {},
): Promise<RetriedRun> {
  const { retried, enqueue } = await db.transaction().execute((trx) => retryRunIn(trx, runId, options))
  await enqueueSteps(queue, enqueue)
  return retried
}

async function retryRunIn(
  trx: Db,
  runId: string,
  options: RetryRunOptions,
): Promise<{ retried: RetriedRun; enqueue: StepToEnqueue[] }> {
  const original = await trx.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst()
  if (!original) throw new StewardError('RUN_NOT_FOUND', `no run ${runId}`)
  if (original.status !== 'failed' && original.status !== 'cancelled') {
    throw new StewardError(
      'RUN_NOT_RETRYABLE',
      `run ${runId} is ${original.status}: only a failed or cancelled run can be retried`,
    )
  }
  const pipeline = await trx
    .selectFrom('pipelines')
    .select(['id', 'product_id', 'version', 'steps', 'max_concurrent_runs', 'archived_at'])
    .where('id', '=', original.pipeline_id)
    .executeTakeFirstOrThrow()
  if (pipeline.archived_at !== null) {
    throw new StewardError(
      'PIPELINE_ARCHIVED',
      `pipeline "${pipeline.id}" was removed from code; its runs cannot be retried`,
    )
  }
  if (pipeline.max_concurrent_runs !== null) {
    await lockAdmission(trx, pipeline.id)
    if ((await countActiveRuns(trx, pipeline.id)) >= pipeline.max_concurrent_runs) {
      throw new StewardError(
        'PIPELINE_BUSY',
        `pipeline "${pipeline.id}" already runs ${pipeline.max_concurrent_runs} run(s) at once (maxConcurrentRuns); retry when one ends`,
      )
    }
  }

  const previous = await trx
    .selectFrom('step_runs')
    .select(['step_id', 'status', 'output'])
    .where('run_id', '=', runId)
    .execute()
  const oldSpecs = await versionSteps(trx, pipeline.id, original.pipeline_version)
  const reusable = reusableSteps(
    pipeline.steps,
    oldSpecs,
    new Map(
      previous.filter((step) => step.status === 'succeeded').map((step) => [step.step_id, step.output]),
    ),
  )

  const newRunId = randomUUID()
  await trx
    .insertInto('runs')
    .values({
      id: newRunId,
      pipeline_id: pipeline.id,
      product_id: pipeline.product_id,
      pipeline_version: pipeline.version,
      status: 'queued',
      trigger: 'manual',
      trigger_detail: json({ ...options.triggerDetail, retryOf: runId }),
      params: json(original.params),
      partition_key: original.partition_key,
    })
    .execute()
  if (pipeline.steps.length > 0) {
    await trx
      .insertInto('step_runs')
      .values(
        pipeline.steps.map((step) => {
          const reused = reusable.has(step.id)
          return {
            id: randomUUID(),
            run_id: newRunId,
            step_id: step.id,
            status: reused ? ('succeeded' as const) : ('pending' as const),
            needs: step.needs,
            max_attempts: step.retries + 1,
            output: reused ? json(reusable.get(step.id) ?? null) : null,
          }
        }),
      )
      .execute()
  }
  // advanceRun queues the pending steps whose needs all succeeded: here, those downstream of the reused ones.
  const run = await lockRun(trx, newRunId)
  if (!run) throw new StewardError('RUN_NOT_FOUND', `no run ${newRunId}`)
  const advanced = await advanceRun(trx, run)
  return {
    retried: {
      runId: newRunId,
      reused: pipeline.steps.filter((step) => reusable.has(step.id)).map((step) => step.id),
      rerun: pipeline.steps.filter((step) => !reusable.has(step.id)).map((step) => step.id),
    },
    enqueue: advanced.enqueue,
  }
}

async function versionSteps(trx: Db, pipelineId: string, version: number): Promise<Map<string, StepSpec>> {
  const row = await trx
    .selectFrom('pipeline_versions')
    .select('definition')
    .where('pipeline_id', '=', pipelineId)
    .where('version', '=', version)
    .executeTakeFirst()
  const steps = (row?.definition as { steps?: StepSpec[] } | undefined)?.steps ?? []
  return new Map(steps.map((step) => [step.id, step]))
}

/**
 * The steps of the current version whose output can be taken from the old run: succeeded there,
 * same code and needs in both versions, and every step they need reusable too (an upstream that
 * runs again may produce a different output).
 */
export function reusableSteps(
  current: readonly StepSpec[],
  old: ReadonlyMap<string, StepSpec>,
  succeededOutputs: ReadonlyMap<string, unknown>,
): Map<string, unknown> {
  const byId = new Map(current.map((step) => [step.id, step]))
  const memo = new Map<string, boolean>()
  const reusable = (id: string, path: Set<string>): boolean => {
    const known = memo.get(id)
    if (known !== undefined) return known
    const step = byId.get(id)
    const before = old.get(id)
    let ok =
      step !== undefined &&
      before !== undefined &&
      succeededOutputs.has(id) &&
      !path.has(id) &&
      before.codeHash === step.codeHash &&
      sameSet(before.needs, step.needs)
    if (ok && step) {
      const next = new Set(path).add(id)
      ok = step.needs.every((need) => reusable(need, next))
    }
    memo.set(id, ok)
    return ok
  }
  const result = new Map<string, unknown>()
  for (const step of current)
    if (reusable(step.id, new Set())) result.set(step.id, succeededOutputs.get(step.id))
  return result
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item))
}
