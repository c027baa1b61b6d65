import { usageBacklog } from '@steward/usage'
import { humaniseDuration } from '#lib/format.ts'
import { getDb } from '../db.ts'
import type { HealthCheck } from './health-check.ts'

/** Events may wait this long to be counted before the rollups are called behind. */
export const usageBacklogLimitMs = 5 * 60_000

/**
 * Usage events are being counted into the rollups: none stored more than five minutes ago still
 * waits. Collection can look healthy (the API answers 200) while the figures stop moving, when no
 * web server's folder runs or every fold fails.
 */
export const usageRollupsCheck: HealthCheck = {
  name: 'usage',
  target: () => 'the usage rollups',
  async run() {
    const { db } = await getDb()
    const problem = usageBacklogProblem(await usageBacklog(db), new Date())
    if (problem) throw new Error(problem)
  },
}

/** What is wrong with the backlog, if anything. */
export function usageBacklogProblem(backlog: { oldestQueuedAt?: Date }, now: Date): string | undefined {
  if (!backlog.oldestQueuedAt) return undefined
  const ageMs = now.getTime() - backlog.oldestQueuedAt.getTime()
  if (ageMs <= usageBacklogLimitMs) return undefined
  return `usage events stored ${humaniseDuration(ageMs / 1000)} ago are still not counted in the rollups: is a web server running (it folds them), and does its log say why folding fails?`
}
