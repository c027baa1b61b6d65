import type { Duration } from '@steward/kernel'
import { z } from 'zod'
import { type Branded, brand, isDefinitionOf } from './brand.ts'
import { callerFile } from './caller-file.ts'
import { backoff, check, duration, nonEmptyText, retries, text } from './option-schemas.ts'
import type { Backoff } from './step.ts'
import { type ConnectionDecl, connectionsSchema } from './warehouse.ts'

/** Step settings used where a step does not say. */
export interface StepDefaults {
  retries?: number
  timeout?: Duration
  backoff?: Backoff
  /**
   * Distinct label sets (`ctx.metric('rows', n, { host })`) a metric may carry per pipeline; past
   * it `ctx.metric` fails the step, naming the metric and the label. Default 100.
   */
  metricLabelSets?: number
}

export interface CostRates {
  /** US dollars per hour of a worker, by worker class (e.g. `{ default: 0.05, large: 0.4 }`): compute cost = wall time × rate. */
  workerHourUsd: Record<string, number>
  /** US dollars per unit for costs steps report by quantity (e.g. `{ 'warehouse-mb': 0.00002 }`). */
  units?: Record<string, number>
  /**
   * US dollars per hour of query time on a warehouse connection (PostgreSQL, DuckDB): each query
   * `ctx.sql` runs is a cost entry of its time × this rate. A connection's own `hourUsd` wins.
   * Default 0: queries are timed, not priced.
   */
  warehouseHourUsd?: number
}

export interface UsageSettings {
  /** IANA time zone that days and weeks of usage rollups are counted in. */
  timezone: string
  weekStartsOn: 'monday' | 'sunday'
}

export interface ConfigOptions {
  /** Definition files, or globs (`pipelines/**\/*.ts`), relative to the config file. */
  definitions: readonly string[]
  defaults?: StepDefaults
  costs?: CostRates
  usage?: UsageSettings
  /**
   * Warehouse connections by name (`ctx.sql('warehouse')`, a table's `connection`). Secrets are
   * named, never written: `{ kind: 'postgres', urlEnv: 'WAREHOUSE_URL' }`. With none declared,
   * the project has one: `warehouse`, an embedded DuckDB file at `$STEWARD_HOME/warehouse.duckdb`.
   */
  connections?: Record<string, ConnectionDecl>
}

export interface StewardConfig extends Readonly<ConfigOptions>, Branded<'config'> {}

const usd = z.number({ error: 'must be a number of US dollars' }).nonnegative({ error: 'must be 0 or more' })

const configOptionsSchema = z.strictObject({
  definitions: z
    .array(nonEmptyText('a file or glob, e.g. "pipelines/**/*.ts"'), {
      error: 'must list the definition files or globs, e.g. ["pipelines/**/*.ts"]',
    })
    .min(1, { error: 'must name at least one definition file or glob, e.g. ["pipelines/**/*.ts"]' }),
  defaults: z
    .strictObject({
      retries: retries().optional(),
      timeout: duration({ positive: true }).optional(),
      backoff: backoff().optional(),
      metricLabelSets: z
        .number({ error: 'must be a whole number from 1 to 10000, e.g. 100' })
        .int({ error: 'must be a whole number from 1 to 10000, e.g. 100' })
        .min(1, { error: 'must be a whole number from 1 to 10000, e.g. 100' })
        .max(10_000, { error: 'must be a whole number from 1 to 10000, e.g. 100' })
        .optional(),
    })
    .optional(),
  costs: z
    .strictObject({
      workerHourUsd: z.record(z.string(), usd),
      units: z.record(z.string(), usd).optional(),
      warehouseHourUsd: usd.optional(),
    })
    .optional(),
  usage: z
    .strictObject({
      timezone: text('an IANA time zone, e.g. "UTC"'),
      weekStartsOn: z.enum(['monday', 'sunday'], { error: 'must be "monday" or "sunday"' }),
    })
    .optional(),
  connections: connectionsSchema.optional(),
})

/**
 * The project's `steward.config.ts`: where the definitions are and the defaults they share.
 * Export it as the default export.
 *
 * @example
 * export default defineConfig({
 *   definitions: ['pipelines/**\/*.ts'],
 *   defaults: { retries: 2, timeout: '30m', backoff: { type: 'exponential', delay: '30s' } },
 *   costs: { workerHourUsd: { default: 0.05 } },
 *   usage: { timezone: 'Europe/Berlin', weekStartsOn: 'monday' },
 *   connections: { warehouse: { kind: 'postgres', urlEnv: 'WAREHOUSE_URL' } },
 * })
 */
export function defineConfig(options: ConfigOptions): StewardConfig {
  const definedIn = callerFile(defineConfig)
  const issues = check(configOptionsSchema, options)
  return brand({ ...options }, { kind: 'config', issues, definedIn })
}

export function isConfig(value: unknown): value is StewardConfig {
  return isDefinitionOf(value, 'config')
}
