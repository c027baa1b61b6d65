import type { DefinitionIssue } from '../definitions/brand.ts'
import type { PartitionScheme } from '../partitions/partition-scheme.ts'
import { schemeStartProblem } from '../partitions/time-partitions.ts'
import { timeZoneProblem } from './check-schedule.ts'

/** Problems with a pipeline's `partitions` beyond their shape: the zone and the first key. */
export function partitionIssues(scheme: PartitionScheme | undefined): DefinitionIssue[] {
  if (scheme === undefined || scheme.kind !== 'time') return []
  const zone = timeZoneProblem(scheme.timezone)
  if (zone) return [{ field: 'partitions.timezone', message: zone }]
  const start = schemeStartProblem(scheme)
  return start ? [{ field: 'partitions.start', message: start }] : []
}

/**
 * Why a partitioned pipeline cannot follow another's partitions, or undefined. Time windows map
 * onto time windows (seven days make a week), static keys onto the same keys; a pipeline without
 * partitions may follow anything (it runs after each success), but time and static do not mix.
 */
export function partitionMappingProblem(
  upstreamId: string,
  upstream: PartitionScheme | undefined,
  downstream: PartitionScheme | undefined,
): string | undefined {
  if (upstream === undefined || downstream === undefined || upstream.kind === downstream.kind)
    return undefined
  return `pipeline "${upstreamId}" has ${upstream.kind} partitions and this one ${downstream.kind} partitions: they cannot be mapped onto each other; use the same kind, or drop partitions from one of them`
}
