import type {
  BudgetRule,
  CheckFailedRule,
  CostRule,
  DigestRule,
  FreshnessRule,
  LateRule,
  OnFailureRule,
  RuleCommon,
  RunTooLongRule,
  SchemaChangeRule,
  StepFailedRule,
  UnusedRule,
  UsageDropRule,
  VolumeRule,
} from './rule-types.ts'

type Options<R> = Omit<R, 'kind'>

/**
 * A run failed for good. Every pipeline has this alert by default (its product's owners hear it);
 * declare it to change who hears it and how, or pass `false` to turn it off.
 *
 * @example
 * alerts: [onFailure({ notify: ['owners', 'stakeholders'], runbook: 'https://wiki/churn' })]
 * alerts: [onFailure(false)] // failures of this pipeline alert nobody
 */
export const onFailure = (options: RuleCommon | false = {}): OnFailureRule =>
  options === false ? { kind: 'on-failure', off: true } : { kind: 'on-failure', ...options }

/** @example alerts: [stepFailed({ step: 'extract' })] */
export const stepFailed = (options: Options<StepFailedRule> = {}): StepFailedRule => ({
  kind: 'step-failed',
  ...options,
})

/** @example alerts: [runTooLong({ over: '2h' })] */
export const runTooLong = (options: Options<RunTooLongRule>): RunTooLongRule => ({
  kind: 'run-too-long',
  ...options,
})

/** @example alerts: [late({ finishWithin: '3h' })] — on a scheduled pipeline */
export const late = (options: Options<LateRule>): LateRule => ({ kind: 'late', ...options })

/**
 * @example
 * alerts: [freshness({ maxAge: '26h', metric: 'rows' })]
 * alerts: [freshness({ maxAge: '2h', metric: 'rows', by: ['host'] })] // one incident per quiet host
 */
// alerts: [freshness({ table: 'analytics.daily_activity', maxAge: '26h' })] // judged where the data lands
export const freshness = (options: Options<FreshnessRule> = {}): FreshnessRule => ({
  kind: 'freshness',
  ...options,
})

/**
 * @example
 * alerts: [schemaChange({ table: 'analytics.daily_activity' })] // a column dropped or retyped
 */
export const schemaChange = (options: Options<SchemaChangeRule>): SchemaChangeRule => ({
  kind: 'schema-change',
  ...options,
})

/**
 * On by default for every product; declare it to narrow it or change who hears it.
 *
 * @example
 * alerts: [checkFailed({ checkSeverity: 'warn', notify: ['#data-quality'] })]
 * alerts: [checkFailed(false)] // on a product: failed checks alert nobody (error checks still fail their run)
 */
export const checkFailed = (options: Options<CheckFailedRule> | false = {}): CheckFailedRule =>
  options === false ? { kind: 'check-failed', off: true } : { kind: 'check-failed', ...options }

/**
 * @example
 * volume({ metric: 'rows', step: 'extract', below: { vsSameHour: { days: 7 }, ratio: 0.5 } })
 * volume({ metric: 'rows', below: 1, above: { vsSameHour: { weeks: 4 }, deviations: 4 } })
 * volume({ metric: 'rows', by: ['host'], below: { vsSameHour: { days: 7 }, ratio: 0.5 } }) // per host
 */
export const volume = (options: Options<VolumeRule>): VolumeRule => ({ kind: 'volume', ...options })

/** @example alerts: [cost({ runAboveUsd: 5 })] */
export const cost = (options: Options<CostRule>): CostRule => ({ kind: 'cost', ...options })

/** @example alerts: [budget()] — the product's `budget.monthlyUsd`, with a forecast warning */
export const budget = (options: Options<BudgetRule> = {}): BudgetRule => ({ kind: 'budget', ...options })

/** @example alerts: [usageDrop({ ratio: 0.5, period: 'week' })] */
export const usageDrop = (options: Options<UsageDropRule>): UsageDropRule => ({
  kind: 'usage-drop',
  ...options,
})

/** @example alerts: [unused({ days: 30 })] */
export const unused = (options: Options<UnusedRule>): UnusedRule => ({ kind: 'unused', ...options })

/** @example alerts: [digest({ every: 'week', notify: 'stakeholders' })] */
export const digest = (options: Options<DigestRule>): DigestRule => ({ kind: 'digest', ...options })
