export { catalogViewKind, isRealUse } from './catalog-views.ts'
export { type BudgetStatus, budgetStatus } from './cost/budget-status.ts'
export {
  type CostModel,
  computeCostUsd,
  defaultCostModel,
  resolveCostModel,
  unitCostUsd,
} from './cost/cost-model.ts'
export { type CostPeriod, type CostSeries, costSeries } from './cost/cost-series.ts'
export { type UsageErrorCode, usageError } from './errors.ts'
export { hashActor, isActorHash } from './hash-actor.ts'
export {
  knownKinds,
  maxBatchSize,
  type RejectedEvent,
  type UsageEventInput,
  usageEventSchema,
  validateBatch,
} from './ingest/event-schema.ts'
export { type FoldOptions, foldPendingUsage, startUsageFolding, usageBacklog } from './ingest/fold-pending.ts'
export { type IngestOptions, type IngestResult, ingestEvents } from './ingest/ingest-events.ts'
export { labelActor } from './queries/label-actor.ts'
export {
  type DayWindow,
  type PortfolioEntry,
  type PortfolioOptions,
  portfolio,
  portfolioWindows,
  previousFigures,
  type WindowFigures,
} from './queries/portfolio.ts'
export { type ProductUsageSummary, productUsageList } from './queries/product-list.ts'
export { grains, type SeriesRange } from './queries/series-range.ts'
export { type Consumer, topConsumers } from './queries/top-consumers.ts'
export { type UsagePeriod, type UsageSeries, usageSeries } from './queries/usage-series.ts'
export { type ZombieProduct, zombieProducts } from './queries/zombie-products.ts'
export {
  countPrunableUsageEvents,
  type PruneUsageEventsOptions,
  pruneUsageEvents,
} from './retention/prune-usage-events.ts'
export { rebuildRollups } from './settings/rebuild-rollups.ts'
export {
  applyUsageCalendar,
  defaultUsageCalendar,
  readUsageCalendar,
  type UsageCalendar,
} from './settings/usage-settings.ts'
export {
  type CreatedToken,
  createToken,
  hashToken,
  listTokens,
  revokeToken,
  type TokenInfo,
  tokenScopes,
  verifyToken,
} from './tokens/api-tokens.ts'
