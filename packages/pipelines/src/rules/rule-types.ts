import type { Duration } from '@steward/kernel'

/**
 * Alert rules as data. The builders (`onFailure()`, `volume({ … })`…) return these; definitions
 * carry them, deploy stores their JSON (`pipelines.alert_rules`, `products.alert_rules`) and the
 * evaluator reads them back from SQL. Nothing here holds code, so a stored rule is the rule.
 */

export type Severity = 'critical' | 'warning' | 'info'

/** `'owners'`, `'stakeholders'`, or a list of those and Slack destinations (`#channel`, `C…`, `U…`). */
export type Notify = 'owners' | 'stakeholders' | readonly string[]

export interface RuleCommon {
  /** Tells two rules of one kind apart; part of the rule's key, so renaming it opens new incidents. */
  name?: string
  /** Who hears it. Default: the owners (digests: the stakeholders). */
  notify?: Notify
  /** Default `critical` for failures, `warning` otherwise. */
  severity?: Severity
  /** A link to what to do, shown in the message. */
  runbook?: string
  /** Remind in the thread while the incident stays open, unacknowledged and unsnoozed. */
  remindEvery?: Duration
}

/**
 * The run failed for good (after its retries). On by default: a pipeline whose product and itself
 * declare no `onFailure` alerts the product's owners as if it declared `onFailure()`. Declaring one
 * replaces that default (who hears it, severity, runbook…); `onFailure(false)` turns it off.
 */
export interface OnFailureRule extends RuleCommon {
  kind: 'on-failure'
  /** `onFailure(false)`: this pipeline's (or product's) failures alert nobody. Takes no other option. */
  off?: true
}

/** A step failed after its retries; `step` narrows it to one step. */
export interface StepFailedRule extends RuleCommon {
  kind: 'step-failed'
  step?: string
}

/** A run took (or is taking) longer than `over`. */
export interface RunTooLongRule extends RuleCommon {
  kind: 'run-too-long'
  over: Duration
}

/** A scheduled run did not start (`startWithin`) or succeed (`finishWithin`) in time after its cron time. */
export interface LateRule extends RuleCommon {
  kind: 'late'
  startWithin?: Duration
  finishWithin?: Duration
}

/**
 * The product's data is older than its promise: no successful run within `maxAge` (default: the
 * product's `freshness.maxAge`). With `metric`, a success only counts when the run reported more
 * than 0 of it, so a worker that runs but writes nothing still trips the rule.
 */
export interface FreshnessRule extends RuleCommon {
  kind: 'freshness'
  maxAge?: Duration
  /**
   * Judge the data where it lands: the newest value of this published table's `timestampColumn`,
   * as Steward observed it, against `maxAge`, whatever the runs did. A warehouse that does not
   * answer opens one incident for its connection instead.
   */
  table?: string
  metric?: string
  /**
   * Per source: each value of these labels of `metric` (`by: ['host']`) has its own age, and one
   * that stopped reporting more than 0 opens an incident for that source alone. Sources that have
   * not reported for 7 days are no longer watched. Needs `metric`.
   */
  by?: readonly string[]
}

/**
 * A published table lost a column or a column changed type between two observations (added
 * columns are no alarm). The incident resolves when the column is back, or once the last 20
 * observations agree with the new columns.
 */
export interface SchemaChangeRule extends RuleCommon {
  kind: 'schema-change'
  table: string
}

/**
 * A check on a published table failed or could not run, in the run of the step that writes it:
 * one incident per table and check, resolved when that check passes again. On by default for every
 * product (its owners hear it, as a warning); `error` checks also fail their run, so `onFailure`
 * says so too. `checkSeverity` narrows it to `warn` or `error` checks, `table` to one table;
 * `checkFailed(false)` on the product turns the default off.
 */
export interface CheckFailedRule extends RuleCommon {
  kind: 'check-failed'
  table?: string
  checkSeverity?: 'warn' | 'error'
  /** `checkFailed(false)`: failed checks of this product alert nobody. Takes no other option. */
  off?: true
}

/** Compare with the same hour on the previous `days` days or `weeks` weeks. */
export type SeasonalBaseline = { days: number } | { weeks: number }

/**
 * A bound for `volume`: a fixed number, or seasonal: `ratio` of the baseline's mean (below: fire
 * under mean × ratio; above: over mean × ratio), or `deviations` standard deviations from it.
 */
export type VolumeBound =
  | number
  | { vsSameHour: SeasonalBaseline; ratio: number }
  | { vsSameHour: SeasonalBaseline; deviations: number }

/**
 * A step metric summed per hour, checked for the last complete hour; no data in an hour counts as 0.
 * Without `by` it watches the metric reported without labels (`ctx.metric('rows', n)`).
 */
export interface VolumeRule extends RuleCommon {
  kind: 'volume'
  /** The step metric summed per hour. Give this or `table`. */
  metric?: string
  /**
   * A published table's row count as Steward last observed it, against fixed bounds
   * (`volume({ table: 'analytics.daily_activity', below: 1 })`). Give this or `metric`.
   */
  table?: string
  step?: string
  below?: VolumeBound
  above?: VolumeBound
  /**
   * Per source: the metric reported with these labels (`ctx.metric('rows', n, { host })`), each
   * value judged against its own baseline, one incident per source. A source in the baseline that
   * stopped reporting counts as 0; one that is new (absent from the baseline) opens nothing. With
   * a fixed bound, the sources are those that reported in the 24 hours before.
   */
  by?: readonly string[]
}

/** A run cost more than `runAboveUsd`. */
export interface CostRule extends RuleCommon {
  kind: 'cost'
  runAboveUsd: number
}

/** Month-to-date cost of the product above its budget (default: `budget.monthlyUsd`), or forecast to be. */
export interface BudgetRule extends RuleCommon {
  kind: 'budget'
  monthlyUsd?: number
  /** Also fire (as a warning) when the month's pace crosses the budget by month end. Default true. */
  forecast?: boolean
}

/** Unique users of the last complete period fell below `ratio` of the period before's. */
export interface UsageDropRule extends RuleCommon {
  kind: 'usage-drop'
  ratio: number
  period: 'day' | 'week' | 'month'
}

/** Nobody used the product for `days` days (usage events, in the usage calendar's time zone). */
export interface UnusedRule extends RuleCommon {
  kind: 'unused'
  days: number
}

/** A summary message per product: runs, failures, open incidents, freshness, cost. */
export interface DigestRule extends RuleCommon {
  kind: 'digest'
  every: 'day' | 'week'
  /** Hour of the day it goes out, in `timezone` (weekly: on Monday). Default 9. */
  atHour?: number
  /**
   * IANA time zone of `atHour`, e.g. 'Europe/Berlin': 9:00 stays 9:00 local across daylight saving.
   * Default: the usage settings' time zone (`usage.timezone`, UTC unless set).
   */
  timezone?: string
  /** Hour of the day in UTC: the older form of `atHour` with `timezone: 'UTC'` (not with them). */
  atHourUtc?: number
}

export type AlertRule =
  | OnFailureRule
  | StepFailedRule
  | RunTooLongRule
  | LateRule
  | FreshnessRule
  | SchemaChangeRule
  | CheckFailedRule
  | VolumeRule
  | CostRule
  | BudgetRule
  | UsageDropRule
  | UnusedRule
  | DigestRule

export type AlertRuleKind = AlertRule['kind']
