import type { Partition } from '../partitions/partition-scheme.ts'
import type { WarehouseSql } from './warehouse.ts'

/**
 * What a step's `run` receives. Declared here, implemented by the worker runtime: a definition
 * only describes the contract.
 */
export interface StepContext<P = Record<string, unknown>, Part = Partition | undefined> {
  /** The run's params, already checked against the pipeline's `params` schema. */
  readonly params: P
  /**
   * The partition this run builds: `{ key, start, end }` for time partitions (a half-open window of
   * instants), `{ key }` for static ones, undefined for a pipeline without partitions.
   */
  readonly partition: Part
  readonly runId: string
  readonly pipelineId: string
  readonly stepId: string
  /** 1 on the first try, 2 on the first retry, and so on. */
  readonly attempt: number
  /** Lines are stored per attempt and shown beside the run. */
  readonly log: StepLogger
  /** Records a number about this step (`rows`, `bytes`, `lag_seconds`…); volume alerts watch these. */
  metric(name: string, value: number, labels?: Record<string, string>): void
  /** Attributes money to this run beyond compute time, e.g. `{ usd: 0.42, item: 'warehouse scan' }`. */
  cost(entry: CostReport): void
  /**
   * A connection of steward.config.ts (default `warehouse`, the embedded DuckDB unless declared
   * otherwise): parameterised queries, each tagged with this run and step, timed and counted on
   * the attempt. The connection is shared by the worker's steps; there is nothing to close.
   */
  sql(connection?: string): WarehouseSql
  /** Fires when the step times out or the run is cancelled: pass it on to fetch, streams, child processes. */
  readonly signal: AbortSignal
}

export type LogFields = Record<string, unknown>

export interface StepLogger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

/**
 * A cost a step reports: dollars as given (`{ usd, item }`), or a quantity priced at the
 * configured rate of its unit (`{ item, quantity: 70_000, unit: 'warehouse-mb' }`, see
 * `costs.units` in steward.config.ts).
 */
export interface CostReport {
  /** Dollars; leave out to price `quantity` at the rate of `unit`. */
  usd?: number
  /** What the money paid for, e.g. `'warehouse scan'`. */
  item: string
  quantity?: number
  unit?: string
}
