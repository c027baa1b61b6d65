import type { Migration, MigrationProvider } from 'kysely'
import { catalogAndRuntime } from './0001-catalog-and-runtime.ts'
import { runtimeHeartbeats } from './0002-runtime-heartbeats.ts'
import { usageAndCost } from './0003-usage-and-cost.ts'
import { alerts } from './0004-alerts.ts'
import { partitionsAndBackfills } from './0006-partitions-and-backfills.ts'
import { metricLabelSets } from './0007-metric-label-sets.ts'
import { pageIndexes } from './0008-page-indexes.ts'
import { consumerIndex } from './0009-consumer-index.ts'
import { rollupCoveringIndexes } from './0010-rollup-covering-indexes.ts'
import { usagePending } from './0011-usage-pending.ts'
import { runRecordsWithoutForeignKeys } from './0012-run-records-without-foreign-keys.ts'
import { stepRunsUpdatedInPlace } from './0013-step-runs-updated-in-place.ts'
import { attemptsUpdatedInPlace } from './0014-attempts-updated-in-place.ts'
import { alertSenders } from './0015-alert-senders.ts'
import { devLoops } from './0016-dev-loops.ts'
import { schedulePauses } from './0017-schedule-pauses.ts'
import { alertAudiences } from './0018-alert-audiences.ts'
import { catalogViews } from './0019-catalog-views.ts'
import { runsEndedNotify } from './0021-runs-ended-notify.ts'
import { runListIndexes } from './0022-run-list-indexes.ts'
import { scopedTokensAndAuditLog } from './0023-scoped-tokens-and-audit-log.ts'
import { warehouseCatalog } from './0025-warehouse-catalog.ts'
import { warehouseObservations } from './0026-warehouse-observations.ts'
import { checkResults } from './0027-check-results.ts'
import { consumerIndexWithKind } from './0028-consumer-index-with-kind.ts'

/**
 * Every migration, in order. Listed by hand (not read from the file system) so that bundlers,
 * Next.js included, see them. Names sort in the order they run; never rename or edit a landed
 * one: add the next file instead.
 */
export const migrations: Record<string, Migration> = {
  '0001_catalog_and_runtime': catalogAndRuntime,
  '0002_runtime_heartbeats': runtimeHeartbeats,
  '0003_usage_and_cost': usageAndCost,
  '0004_alerts': alerts,
  '0006_partitions_and_backfills': partitionsAndBackfills,
  '0007_metric_label_sets': metricLabelSets,
  '0008_page_indexes': pageIndexes,
  '0009_consumer_index': consumerIndex,
  '0010_rollup_covering_indexes': rollupCoveringIndexes,
  '0011_usage_pending': usagePending,
  '0012_run_records_without_foreign_keys': runRecordsWithoutForeignKeys,
  '0013_step_runs_updated_in_place': stepRunsUpdatedInPlace,
  '0014_attempts_updated_in_place': attemptsUpdatedInPlace,
  '0015_alert_senders': alertSenders,
  '0016_dev_loops': devLoops,
  '0017_schedule_pauses': schedulePauses,
  '0018_alert_audiences': alertAudiences,
  '0019_catalog_views': catalogViews,
  '0021_runs_ended_notify': runsEndedNotify,
  '0022_run_list_indexes': runListIndexes,
  '0023_scoped_tokens_and_audit_log': scopedTokensAndAuditLog,
  '0025_warehouse_catalog': warehouseCatalog,
  '0026_warehouse_observations': warehouseObservations,
  '0027_check_results': checkResults,
  '0028_consumer_index_with_kind': consumerIndexWithKind,
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
}
