import type { FinishAttemptInput } from '../store/finish-attempt.ts'

/**
 * When the database refuses to store what an attempt produced, the attempt still has to end: left
 * `running`, the reconciler would fail it 30 s later as `WORKER_LOST`, and the owners would hear
 * of a lost worker instead of the real cause. Text is made storable before it is written
 * (`postgresText`, `json`) and outputs are checked (`run-attempt.ts`), so this is the rest: a
 * value out of a column's range (a cost of 10^9 dollars), a row too large, or what nobody foresaw.
 */

/**
 * SQLSTATE classes that blame the data, not the database: 22 (data exception: a value out of
 * range, text that cannot be stored), 23 (a constraint), 54 (a value or row too large). A lost
 * connection, a shutdown or a deadlock is none of these: those keep the attempt open for a retry.
 */
const dataClasses = new Set(['22', '23', '54'])

/** Why the database refused an attempt's record, or undefined when the error is not about its data. */
export function recordRefusal(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && dataClasses.has(code.slice(0, 2)))
    return `${message} (SQLSTATE ${code})`
  // Serialising a record: a BigInt, a cycle, a value nested too deep.
  if (error instanceof TypeError || error instanceof RangeError) return message
  return undefined
}

/**
 * The attempt's end as a failure that says why its record was refused, without the records that
 * could not be stored (but for the compute cost, which the worker computed itself). Not retried:
 * the same step would produce the same record.
 */
export function refusedRecordEnd(input: FinishAttemptInput, reason: string): FinishAttemptInput {
  return {
    ...input,
    outcome: {
      status: 'failed',
      retryable: false,
      error: {
        code: 'STEP_RECORD_REFUSED',
        message: `the database refused to store what this attempt produced (its ${input.outcome.status === 'succeeded' ? 'output' : 'error'}, logs, metrics or costs), so the step fails: ${reason}`,
      },
    },
    records: {
      logs: [],
      metrics: [],
      costs: (input.records?.costs ?? []).filter((cost) => cost.kind === 'compute'),
    },
  }
}
