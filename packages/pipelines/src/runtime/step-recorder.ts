import { StewardError } from '@steward/kernel'
import type { CostReport, LogFields, StepContext, StepLogger } from '../definitions/step-context.ts'
import {
  defaultConnectionName,
  type WarehouseErrorCode,
  type WarehouseSql,
} from '../definitions/warehouse.ts'
import type { Partition } from '../partitions/partition-scheme.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** A line a step logged, with its fields as JSON will store them. */
export interface RecordedLog {
  level: LogLevel
  message: string
  fields: Record<string, unknown> | null
  at: Date
}

/** A number a step reported with `ctx.metric`; labels are strings (`{}` when none were given). */
export interface RecordedMetric {
  name: string
  value: number
  labels: Record<string, string>
  at: Date
}

/** Money a step reported with `ctx.cost`, in dollars (a quantity already priced at its unit rate). */
export interface RecordedCost {
  kind: 'reported'
  item: string
  usd: number
  quantity: number | null
  unit: string | null
}

/** Everything one run of a step reported, in the order it reported it. */
export interface StepRecords {
  logs: RecordedLog[]
  metrics: RecordedMetric[]
  costs: RecordedCost[]
}

export interface StepRecorderInput {
  /** The run's params, already checked against the pipeline's schema. */
  params: Record<string, unknown>
  runId: string
  pipelineId: string
  stepId: string
  attempt: number
  signal: AbortSignal
  /** The run's partition, when its pipeline has partitions. */
  partition?: Partition | undefined
  /** Dollars per unit (`costs.units`), for `ctx.cost({ quantity, unit })` without `usd`. */
  unitRates?: Readonly<Record<string, number>> | undefined
  /**
   * Called with a metric's name and string labels before it is recorded; throw to refuse it (the
   * worker caps the distinct label sets of a metric). Default: every metric is kept.
   */
  admitMetric?: ((name: string, labels: Record<string, string>) => void) | undefined
  /**
   * What `ctx.sql(name)` answers (the worker's tagged, recorded connections; a test's stand-ins).
   * Default: every call throws, naming the connection.
   */
  sql?: ((connection: string) => WarehouseSql) | undefined
  /** Past this many lines the log keeps a count of what it dropped, not the lines. Default: no cap. */
  maxLogLines?: number | undefined
}

/**
 * The `StepContext` a step's `run` receives, recording in memory what the step reports: its
 * logs, metrics and costs (a `{ quantity, unit }` priced at `unitRates`). The worker writes
 * `records` in the attempt's finishing transaction; `@steward/pipelines/testing` hands them to a
 * test. A malformed metric or cost is not recorded but logged as a warning, so a step never
 * fails for how it reported.
 */
export function recordStep(input: StepRecorderInput): { ctx: StepContext; readonly records: StepRecords } {
  const records: StepRecords = { logs: [], metrics: [], costs: [] }
  const maxLogLines = input.maxLogLines ?? Number.POSITIVE_INFINITY
  let dropped = 0
  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (records.logs.length >= maxLogLines) {
      dropped += 1
      return
    }
    records.logs.push({ level, message: cut(String(message)), fields: plainFields(fields), at: new Date() })
  }
  const log: StepLogger = {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  }
  const ctx: StepContext = {
    params: input.params,
    runId: input.runId,
    pipelineId: input.pipelineId,
    stepId: input.stepId,
    attempt: input.attempt,
    partition: input.partition,
    log,
    signal: input.signal,
    sql(connection = defaultConnectionName) {
      if (input.sql) return input.sql(connection)
      throw new StewardError<WarehouseErrorCode>(
        'NO_WAREHOUSE',
        `ctx.sql("${connection}"): no warehouse connection is available to step ${input.stepId} here`,
      )
    },
    metric(name: string, value: number, labels?: Record<string, string>) {
      if (typeof name !== 'string' || name === '' || typeof value !== 'number' || !Number.isFinite(value)) {
        write(
          'warn',
          `ctx.metric ignored: needs a name and a finite number, got ${String(name)}=${String(value)}`,
        )
        return
      }
      const stringLabels = Object.fromEntries(Object.entries(labels ?? {}).map(([k, v]) => [k, String(v)]))
      input.admitMetric?.(name, stringLabels)
      records.metrics.push({ name, value, labels: stringLabels, at: new Date() })
    },
    cost(entry: CostReport) {
      const quantity =
        typeof entry?.quantity === 'number' && Number.isFinite(entry.quantity) && entry.quantity >= 0
          ? entry.quantity
          : null
      const rate = entry?.unit === undefined ? undefined : input.unitRates?.[entry.unit]
      const usd = entry?.usd ?? (quantity !== null && rate !== undefined ? quantity * rate : undefined)
      if (!entry?.item || typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0) {
        write(
          'warn',
          entry?.usd === undefined && entry?.unit !== undefined && rate === undefined
            ? `ctx.cost ignored: no usd, and no rate for unit "${entry.unit}" (add it to costs.units in steward.config.ts)`
            : 'ctx.cost ignored: needs { item, usd: a number ≥ 0 } or { item, quantity, unit } with a configured rate',
        )
        return
      }
      records.costs.push({
        kind: 'reported',
        item: String(entry.item),
        usd,
        quantity,
        unit: entry.unit ?? null,
      })
    },
  }
  return {
    ctx,
    get records() {
      if (dropped > 0) {
        records.logs.push({
          level: 'warn',
          message: `${dropped} more log lines were dropped (an attempt keeps ${maxLogLines})`,
          fields: null,
          at: new Date(),
        })
        dropped = 0
      }
      return records
    },
  }
}

/** A log line's message is cut past this many characters, its fields past this many of JSON. */
export const maxLogMessageChars = 8_192
export const maxLogFieldsChars = 8_192

function cut(message: string): string {
  if (message.length <= maxLogMessageChars) return message
  return `${message.slice(0, maxLogMessageChars)}… (${message.length - maxLogMessageChars} more characters)`
}

/**
 * Log fields as JSON will store them; a field that cannot be serialised becomes its string form,
 * and fields past `maxLogFieldsChars` of JSON are replaced by a note saying so.
 */
function plainFields(fields: LogFields | undefined): Record<string, unknown> | null {
  if (fields === undefined || fields === null || typeof fields !== 'object') return null
  let text: string
  try {
    text = JSON.stringify(fields)
  } catch {
    text = JSON.stringify(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, cut(String(v))])))
  }
  if (text.length > maxLogFieldsChars) {
    return {
      dropped: `the fields were ${text.length} characters of JSON; a log line keeps ${maxLogFieldsChars}`,
    }
  }
  return JSON.parse(text) as Record<string, unknown>
}
