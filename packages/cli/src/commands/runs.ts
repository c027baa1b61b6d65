import { userInfo } from 'node:os'
import type { RunStatus, StewardDb } from '@steward/db'
import {
  cancelRun,
  decodeRunCursor,
  encodeRunCursor,
  type ListedRun,
  listRuns,
  maxRunsPerPage,
  openRuntimeQueue,
  type RuntimeQueue,
  retryRun,
  runStatuses,
} from '@steward/engine'
import { type Command, InvalidArgumentError } from 'commander'
import { auditCli } from '../audit/audit-cli.ts'
import { openDatabase } from '../database/open-database.ts'
import { readCliSettings } from '../env.ts'
import { cliError } from '../errors.ts'
import { out } from '../output/print.ts'
import { assertQueueAnswers, queueTargetFor } from '../project/runtime-services.ts'

interface ListOptions {
  pipeline?: string
  product?: string
  status?: RunStatus[]
  from?: Date
  to?: Date
  limit: number
  cursor?: string
  json?: boolean
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function registerRunsCommand(program: Command): void {
  const runs = program
    .command('runs')
    .description('list, cancel and retry runs of deployed pipelines')
    .addHelpText(
      'after',
      `
The same verbs as the HTTP API (GET /api/v1/runs, POST /api/v1/runs/:id/cancel|retry) and the
run page's buttons, on the database directly.

Examples:
  steward runs list --pipeline signup-funnel.build --status failed
  steward runs cancel 0b7c…
  steward runs retry 0b7c…`,
    )
  runs
    .command('list')
    .description('list runs, newest first, a page at a time')
    .option('--pipeline <id>', 'only runs of this pipeline')
    .option('--product <id>', 'only runs of this product')
    .option(
      '--status <statuses>',
      `only these statuses, comma-separated (${runStatuses.join(', ')})`,
      statusList,
    )
    .option(
      '--from <instant>',
      'only runs created at or after this instant, e.g. 2026-11-02T00:00:00Z',
      instant,
    )
    .option('--to <instant>', 'only runs created before this instant', instant)
    .option('--limit <n>', `runs per page (1 to ${maxRunsPerPage})`, pageSize, 20)
    .option('--cursor <cursor>', 'the page after the one that printed this cursor')
    .option('--json', 'print {"runs":[…],"nextCursor":…} instead of a table')
    .action((options: ListOptions) => withDatabase((db) => listCommand(db, options)))
  runs
    .command('cancel')
    .description('cancel a run: its waiting steps at once, its running steps within a heartbeat')
    .argument('<run-id>', 'the run id (steward runs list shows them)')
    .action((runId: string) =>
      withDatabase((db) =>
        withQueue(db, async (queue) => {
          const { status, alreadyEnded } = await cancelRun(db.db, knownRunId(runId), { queue })
          if (!alreadyEnded) await auditCli(db.db, 'run.cancel', { kind: 'run', id: runId })
          out(
            alreadyEnded
              ? `run ${runId} had already ended: ${status}`
              : status === 'cancelled'
                ? `run ${runId} cancelled`
                : `run ${runId}: cancel requested; its running steps stop within a heartbeat`,
          )
        }),
      ),
    )
  runs
    .command('retry')
    .description('retry a failed or cancelled run from its failed steps, as a new run')
    .argument('<run-id>', 'the failed or cancelled run')
    .action((runId: string) =>
      withDatabase((db) =>
        withQueue(db, async (queue) => {
          const retried = await retryRun(db.db, queue, knownRunId(runId), {
            triggerDetail: { via: 'cli', by: `cli:${userInfo().username}` },
          })
          await auditCli(db.db, 'run.retry', { kind: 'run', id: retried.runId }, { retryOf: runId })
          out(
            `run ${retried.runId} retries ${runId}: runs ${retried.rerun.join(', ') || 'nothing'} again; reuses ${retried.reused.join(', ') || 'nothing'}`,
          )
        }),
      ),
    )
}

async function listCommand(db: StewardDb, options: ListOptions): Promise<void> {
  const after = options.cursor === undefined ? undefined : decodeRunCursor(options.cursor)
  if (options.cursor !== undefined && !after)
    throw cliError('OPTION_INVALID', `--cursor "${options.cursor}" is not a cursor steward runs list printed`)
  const page = await listRuns(db.db, {
    limit: options.limit,
    ...(options.pipeline === undefined ? {} : { pipelineId: options.pipeline }),
    ...(options.product === undefined ? {} : { productId: options.product }),
    ...(options.status === undefined ? {} : { statuses: options.status }),
    ...(options.from === undefined ? {} : { createdFrom: options.from }),
    ...(options.to === undefined ? {} : { createdBefore: options.to }),
    ...(after ? { after } : {}),
  })
  const nextCursor = page.next ? encodeRunCursor(page.next) : null
  if (options.json) {
    out(JSON.stringify({ runs: page.runs, nextCursor }, null, 2))
    return
  }
  if (page.runs.length === 0) {
    out(options.cursor ? 'no more runs' : 'no runs match')
    return
  }
  for (const run of page.runs) out(runLine(run))
  if (nextCursor) out(`more: add --cursor ${nextCursor}`)
}

/** `<id>  <pipeline>  <status>  <trigger>  <created>  <duration>`, one run a line. */
function runLine(run: ListedRun): string {
  const took =
    run.startedAt && run.finishedAt
      ? `${((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(1)} s`
      : '-'
  const partition = run.partitionKey === null ? '' : `  [${run.partitionKey}]`
  return `${run.id}  ${run.pipelineId}  ${run.status.padEnd(9)}  ${run.trigger.padEnd(8)}  ${run.createdAt.toISOString()}  ${took}${partition}`
}

/** A run id must be a uuid: anything else is unknown, said as such rather than as a SQL error. */
function knownRunId(runId: string): string {
  if (!uuid.test(runId))
    throw cliError('RUN_NOT_FOUND', `no run ${runId}: run ids look like 0b7c2f1e-… (steward runs list)`)
  return runId
}

async function withDatabase(work: (db: StewardDb) => Promise<void>): Promise<void> {
  const db = await openDatabase(readCliSettings())
  try {
    await work(db)
  } finally {
    await db.close()
  }
}

/** The runtime queue, for the steps a cancel admits or a retry queues. */
async function withQueue(db: StewardDb, work: (queue: RuntimeQueue) => Promise<void>): Promise<void> {
  const target = await queueTargetFor(readCliSettings(), db)
  await assertQueueAnswers(target)
  const queue = openRuntimeQueue(target)
  try {
    await work(queue)
  } finally {
    await queue.close()
  }
}

function statusList(value: string): RunStatus[] {
  const statuses = value
    .split(',')
    .map((status) => status.trim())
    .filter(Boolean)
  const unknown = statuses.filter((status) => !(runStatuses as readonly string[]).includes(status))
  if (statuses.length === 0 || unknown.length > 0)
    throw new InvalidArgumentError(`expected statuses among ${runStatuses.join(', ')} (got "${value}")`)
  return statuses as RunStatus[]
}

function instant(value: string): Date {
  const at = new Date(value)
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime()))
    throw new InvalidArgumentError(
      `expected an ISO 8601 instant such as 2026-11-02T00:00:00Z (got "${value}")`,
    )
  return at
}

function pageSize(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > maxRunsPerPage)
    throw new InvalidArgumentError(`expected a whole number from 1 to ${maxRunsPerPage}`)
  return n
}
