import type { BackfillMode, BackfillStatus, PartitionSpec, RunStatus } from '@steward/db'
import { getPartitionStatuses } from '@steward/engine/control'
import { recentPartitions } from '@steward/pipelines'
import type { Db } from '../read-database.ts'

/** One square of the partition grid: the partition's latest run, or `missing` when none ever ran. */
export interface PartitionCell {
  key: string
  status: RunStatus | 'missing'
  runId: string | null
  finishedAt: Date | null
  costUsd: number | null
  metrics: Record<string, number>
}

/** A backfill of this pipeline with its runs counted by state. */
export interface BackfillRow {
  id: string
  status: BackfillStatus
  rangeFrom: string | null
  rangeTo: string | null
  mode: BackfillMode
  concurrency: number
  withDownstream: boolean
  /** Set when another pipeline's backfill cascaded into this one. */
  parentId: string | null
  createdAt: Date
  finishedAt: Date | null
  total: number
  counts: Record<'succeeded' | 'failed' | 'cancelled' | 'running' | 'queued', number>
}

export interface PipelinePartitions {
  scheme: PartitionSpec
  cells: PartitionCell[]
  backfills: BackfillRow[]
}

/** How many of the newest partitions the grid shows: about three months of days, a year of weeks. */
export const gridSize: Record<'hour' | 'day' | 'week' | 'month' | 'static', number> = {
  hour: 72,
  day: 91,
  week: 52,
  month: 24,
  static: 500,
}

const recentBackfills = 5

/**
 * The pipeline page's partitions panel: the newest complete partitions with each one's latest run
 * (a time scheme's window ends at the latest complete partition, as a schedule sees it), and the
 * newest backfills with their progress. Two reads for the grid, two for the backfills.
 */
export async function getPipelinePartitions(
  db: Db,
  pipelineId: string,
  scheme: PartitionSpec,
  now: Date,
): Promise<PipelinePartitions> {
  const size = gridSize[scheme.kind === 'static' ? 'static' : scheme.unit]
  const partitions = recentPartitions(scheme, now, size).slice(-size)
  const keys = partitions.map((partition) => partition.key)
  const [statuses, backfills] = await Promise.all([
    getPartitionStatuses(db, pipelineId, { keys }),
    listBackfills(db, pipelineId),
  ])
  const byKey = new Map(statuses.map((status) => [status.key, status]))
  const cells = keys.map((key): PartitionCell => {
    const latest = byKey.get(key)
    return latest
      ? {
          key,
          status: latest.status,
          runId: latest.runId,
          finishedAt: latest.finishedAt,
          costUsd: latest.costUsd,
          metrics: latest.metrics,
        }
      : { key, status: 'missing', runId: null, finishedAt: null, costUsd: null, metrics: {} }
  })
  return { scheme, cells, backfills }
}

async function listBackfills(db: Db, pipelineId: string): Promise<BackfillRow[]> {
  const rows = await db
    .selectFrom('backfills')
    .selectAll()
    .where('pipeline_id', '=', pipelineId)
    .orderBy('created_at', 'desc')
    .limit(recentBackfills)
    .execute()
  if (rows.length === 0) return []
  const counts = await db
    .selectFrom('runs')
    .select(['backfill_id', 'status', (eb) => eb.fn.countAll<string>().as('n')])
    .where(
      'backfill_id',
      'in',
      rows.map((row) => row.id),
    )
    .groupBy(['backfill_id', 'status'])
    .execute()
  return rows.map((row) => {
    const mine = counts.filter((count) => count.backfill_id === row.id)
    const count = (status: RunStatus) => Number(mine.find((c) => c.status === status)?.n ?? 0)
    return {
      id: row.id,
      status: row.status,
      rangeFrom: row.range_from,
      rangeTo: row.range_to,
      mode: row.mode,
      concurrency: row.concurrency,
      withDownstream: row.with_downstream,
      parentId: row.parent_id,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
      total: Math.max(
        row.partition_count,
        mine.reduce((sum, c) => sum + Number(c.n), 0),
      ),
      counts: {
        succeeded: count('succeeded'),
        failed: count('failed'),
        cancelled: count('cancelled'),
        running: count('running'),
        queued: count('queued'),
      },
    }
  })
}
