import { countPrunableIncidents, pruneIncidents } from '@steward/alerts'
import type { RetentionSettings } from '@steward/config'
import { countPrunableAudit, pruneAudit, type StewardDb } from '@steward/db'
import { countPrunableRuns, pruneRuns } from '@steward/engine'
import { countPrunableUsageEvents, pruneUsageEvents } from '@steward/usage'

type Db = StewardDb['db']

/** What a prune deletes (or would), by kind. */
export interface PruneCounts {
  runs: number
  incidents: number
  notifications: number
  usageEvents: number
  audit: number
}

/** The kinds in the order a prune takes them, with their names for people. */
export const pruneKinds: readonly (readonly [keyof PruneCounts, string])[] = [
  ['runs', 'runs (with their step runs, attempts, logs, metrics, cost entries)'],
  ['incidents', 'resolved incidents'],
  ['notifications', 'sent notifications'],
  ['usageEvents', 'raw usage events'],
  ['audit', 'audit log rows'],
]

/** The instant before which each kind goes; undefined for a kind kept for ever (0 days). */
export interface PruneCutoffs {
  runs?: Date
  incidents?: Date
  usageEvents?: Date
  audit?: Date
}

export function pruneCutoffs(retention: RetentionSettings, now: Date): PruneCutoffs {
  const before = (days: number) => (days > 0 ? new Date(now.getTime() - days * 86_400_000) : undefined)
  const cutoffs: PruneCutoffs = {}
  const runs = before(retention.runsDays)
  const incidents = before(retention.incidentsDays)
  const usageEvents = before(retention.usageEventsDays)
  if (runs) cutoffs.runs = runs
  if (incidents) cutoffs.incidents = incidents
  if (usageEvents) cutoffs.usageEvents = usageEvents
  const audit = before(retention.auditDays)
  if (audit) cutoffs.audit = audit
  return cutoffs
}

/** How much a prune with these cut-offs would delete now (nothing is deleted). */
export async function countPrunable(db: Db, cutoffs: PruneCutoffs): Promise<PruneCounts> {
  const [runs, alerts, usageEvents, audit] = await Promise.all([
    cutoffs.runs ? countPrunableRuns(db, cutoffs.runs) : 0,
    cutoffs.incidents ? countPrunableIncidents(db, cutoffs.incidents) : { incidents: 0, notifications: 0 },
    cutoffs.usageEvents ? countPrunableUsageEvents(db, cutoffs.usageEvents) : 0,
    cutoffs.audit ? countPrunableAudit(db, cutoffs.audit) : 0,
  ])
  return { runs, ...alerts, usageEvents, audit }
}

/**
 * Deletes what is older than the cut-offs, kind after kind, in small batches (each package's
 * pruner holds the contract of its statements). `onProgress` hears the running totals after each
 * batch. Safe beside every other Steward process and beside another prune.
 */
export async function pruneHistory(
  db: Db,
  cutoffs: PruneCutoffs,
  options: { onProgress?: (totals: PruneCounts) => void; signal?: AbortSignal } = {},
): Promise<PruneCounts> {
  const totals: PruneCounts = { runs: 0, incidents: 0, notifications: 0, usageEvents: 0, audit: 0 }
  const report = () => options.onProgress?.({ ...totals })
  const signal = options.signal ? { signal: options.signal } : {}
  if (cutoffs.runs)
    await pruneRuns(db, {
      endedBefore: cutoffs.runs,
      ...signal,
      onBatch: (n) => {
        totals.runs += n
        report()
      },
    })
  if (cutoffs.incidents)
    await pruneIncidents(db, {
      before: cutoffs.incidents,
      ...signal,
      onBatch: (n) => {
        totals.incidents += n.incidents
        totals.notifications += n.notifications
        report()
      },
    })
  if (cutoffs.usageEvents)
    await pruneUsageEvents(db, {
      before: cutoffs.usageEvents,
      ...signal,
      onBatch: (n) => {
        totals.usageEvents += n
        report()
      },
    })
  if (cutoffs.audit)
    await pruneAudit(db, {
      before: cutoffs.audit,
      ...signal,
      onBatch: (n) => {
        totals.audit += n
        report()
      },
    })
  return totals
}

/** "12 runs (…), 0 resolved incidents, …" */
export function describeCounts(counts: PruneCounts): string {
  return pruneKinds.map(([kind, name]) => `${counts[kind].toLocaleString('en-US')} ${name}`).join(', ')
}
