import type { ErrorInfo } from '@steward/db'
import { StewardError } from '@steward/kernel'

/** Every code a `StewardError` thrown by the runtime can carry. */
export type RuntimeErrorCode =
  | 'PARAMS_INVALID'
  | 'PIPELINE_NOT_FOUND'
  | 'PIPELINE_ARCHIVED'
  | 'SCHEDULE_NOT_FOUND'
  | 'RUN_NOT_FOUND'
  | 'RUN_NOT_RETRYABLE'
  | 'PIPELINE_BUSY'
  | 'RUN_WAIT_TIMEOUT'
  | 'REDIS_EVICTION_POLICY'

/**
 * Codes the runtime stores in `attempts.error.code` / `step_runs.error.code` / `runs.error.code`,
 * beside whatever code a step's own error carried.
 */
export type FailureCode =
  | 'PARAMS_INVALID'
  | 'NON_RETRYABLE'
  | 'STEP_TIMEOUT'
  | 'STEP_OUTPUT_INVALID'
  | 'STEP_RECORD_REFUSED'
  | 'STEP_NOT_LOADED'
  | 'WORKER_LOST'
  | 'UPSTREAM_FAILED'
  | 'METRIC_LABELS_REFUSED'
  /** An `error` check on a table the step writes failed, or could not run. */
  | 'CHECK_FAILED'

/**
 * Thrown by a step to fail at once, without the retries it has left: bad input that no retry can
 * fix, a permission that is missing. The runtime's counterpart of BullMQ's `UnrecoverableError`.
 *
 * @example
 * run: async (ctx) => {
 *   if (!exists(path)) throw new NonRetryableError(`no export at ${path}`)
 * }
 */
export class NonRetryableError extends Error {
  override readonly name = 'NonRetryableError'
  readonly code: string

  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = options?.code ?? 'NON_RETRYABLE'
  }
}

/** Recognised by name too, so an error made by another copy of this package (the data team's) counts. */
export function isNonRetryable(error: unknown): boolean {
  return error instanceof NonRetryableError || (error instanceof Error && error.name === 'NonRetryableError')
}

/** An error's message, code and stack are each cut past this many characters when stored. */
export const maxErrorTextChars = 8_192

/**
 * What SQL stores about an error: message, code when it has one, stack for the run page, each cut
 * at `maxErrorTextChars` (NUL and lone surrogates are replaced as they are written, by `json`).
 */
export function errorInfo(error: unknown, code?: string): ErrorInfo {
  if (error instanceof Error) {
    const own = (error as { code?: unknown }).code
    const info: ErrorInfo = { message: bounded(String(error.message)) }
    const chosen = code ?? (typeof own === 'string' ? own : undefined)
    if (chosen !== undefined) info.code = bounded(chosen)
    if (typeof error.stack === 'string') info.stack = bounded(error.stack)
    return info
  }
  const message = bounded(describe(error))
  return code === undefined ? { message } : { message, code }
}

function bounded(text: string): string {
  if (text.length <= maxErrorTextChars) return text
  return `${text.slice(0, maxErrorTextChars)}… (${text.length - maxErrorTextChars} more characters)`
}

/** A thrown value that is not an Error, as text; String() itself throws for some (a null-prototype object). */
function describe(thrown: unknown): string {
  try {
    return String(thrown)
  } catch {
    return `a thrown ${typeof thrown} that cannot be shown as text`
  }
}

export { StewardError }
