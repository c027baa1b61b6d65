import type { LogLevel } from '@steward/db'
import type { CostReport, LogFields, Partition, StepContext, StepLogger } from '@steward/pipelines'
import type { AttemptRecords } from '../store/finish-attempt.ts'
import { MetricLabelSets } from '../store/metric-label-sets.ts'

/** Past this many lines an attempt's log keeps a count of what it dropped, not the lines. */
const maxLogLines = 2_000
/** A log line's message is cut past this many characters, its fields past this many of JSON. */
export const maxLogMessageChars = 8_192
export const maxLogFieldsChars = 8_192

export interface AttemptContextInput {
  params: Record<string, unknown>
  runId: string
  pipelineId: string
  stepId: string
  attempt: number
  signal: AbortSignal
  /** The run's partition, when its pipeline has partitions. */
  partition?: Partition | undefined
  /** Dollars per unit (`costs.units`), for `ctx.cost({ quantity, unit })` without `usd`. */
  unitRates?: Readonly<Record<string, number>>
  /** The worker's label sets per pipeline (loaded for this pipeline); default: this attempt's alone. */
  labelSets?: MetricLabelSets
}

/**
 * The `StepContext` a step's `run` receives, with everything it reports buffered in memory and
 * written in the attempt's finishing transaction: one write per attempt, not one per log line.
 */
export function createAttemptContext(input: AttemptContextInput): {
  ctx: StepContext
  records: AttemptRecords
} {
  const records: AttemptRecords = { logs: [], metrics: [], costs: [] }
  const labelSets = input.labelSets ?? new MetricLabelSets()
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
    metric(name: string, value: number, labels?: Record<string, string>) {
      if (typeof name !== 'string' || name === '' || typeof value !== 'number' || !Number.isFinite(value)) {
        write(
          'warn',
          `ctx.metric ignored: needs a name and a finite number, got ${String(name)}=${String(value)}`,
        )
        return
      }
      const stringLabels = Object.fromEntries(Object.entries(labels ?? {}).map(([k, v]) => [k, String(v)]))
      // Throws (failing the step without retries) past the metric's label-set limit.
      labelSets.admit(input.pipelineId, name, stringLabels)
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
  if (text.length > maxLogFieldsChars)
    return {
      dropped: `the fields were ${text.length} characters of JSON; a log line keeps ${maxLogFieldsChars}`,
    }
  return JSON.parse(text) as Record<string, unknown>
}
