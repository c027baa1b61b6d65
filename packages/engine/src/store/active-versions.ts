import type { Db } from './db.ts'

/**
 * The pipeline versions that runs still in flight were created with: what a worker holding several
 * loads of the code must keep (`worker/worker-code.ts`).
 *
 * Contract — reads only, takes no locks. Inputs: none. Output: distinct (pipeline id, version) of
 * runs `queued` or `running`, through `runs_active_idx` (the partial index on exactly those
 * statuses), so its cost grows with the runs in flight, not with the history. A run that ended
 * while a sibling step still runs (`draining`) starts no further step, so it needs no code kept.
 */
export async function activeVersions(db: Db): Promise<{ pipelineId: string; version: number }[]> {
  const rows = await db
    .selectFrom('runs')
    .select(['pipeline_id', 'pipeline_version'])
    .distinct()
    .where('status', 'in', ['queued', 'running'])
    .execute()
  return rows.map((row) => ({ pipelineId: row.pipeline_id, version: row.pipeline_version }))
}
