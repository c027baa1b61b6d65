import type { Step, StepContext } from '@steward/pipelines'
import { errorInfo, isNonRetryable } from '../errors.ts'
import type { AttemptOutcome } from '../store/finish-attempt.ts'

/** Largest step output stored: outputs are references to data (paths, table names), not data. */
export const maxOutputBytes = 64 * 1024

/** Why an attempt's signal fired: its timeout, or its run was cancelled / ended. */
export type AbortCause = { kind: 'timeout'; timeoutMs: number } | { kind: 'cancelled'; message: string }

/**
 * Runs a step's code once and says how it ended. The attempt ends when the step settles or the
 * signal fires, whichever comes first: a step that ignores its signal cannot hold the run past its
 * timeout or a cancel (its promise is left to settle on its own).
 */
export async function runAttempt(
  step: Step,
  ctx: StepContext,
  upstream: Readonly<Record<string, unknown>>,
  controller: AbortController,
  timeoutMs: number | null,
): Promise<AttemptOutcome> {
  const timer =
    timeoutMs === null
      ? undefined
      : setTimeout(
          () => controller.abort({ kind: 'timeout', timeoutMs } satisfies AbortCause),
          Math.max(0, timeoutMs),
        )
  let onAbort: (() => void) | undefined
  const aborted = new Promise<AttemptOutcome>((resolve) => {
    onAbort = () => resolve(abortOutcome(controller.signal.reason))
    if (controller.signal.aborted) onAbort()
    else controller.signal.addEventListener('abort', onAbort, { once: true })
  })
  const ran = (async (): Promise<AttemptOutcome> => {
    try {
      const output = await step.run(ctx, upstream)
      return checkOutput(output)
    } catch (error) {
      if (isNonRetryable(error)) return { status: 'failed', error: errorInfo(error), retryable: false }
      return { status: 'failed', error: errorInfo(error), retryable: true }
    }
  })()
  try {
    return await Promise.race([ran, aborted])
  } finally {
    if (timer) clearTimeout(timer)
    if (onAbort) controller.signal.removeEventListener('abort', onAbort)
  }
}

function abortOutcome(reason: unknown): AttemptOutcome {
  const cause = reason as AbortCause | undefined
  if (cause?.kind === 'timeout') {
    return {
      status: 'timed_out',
      error: { message: `the step timed out after ${cause.timeoutMs} ms`, code: 'STEP_TIMEOUT' },
      retryable: true,
    }
  }
  return {
    status: 'cancelled',
    error: {
      message: cause?.kind === 'cancelled' ? cause.message : 'the step was stopped',
      code: 'CANCELLED',
    },
  }
}

function checkOutput(output: unknown): AttemptOutcome {
  let text: string | undefined
  try {
    text = JSON.stringify(output === undefined ? null : output)
  } catch (error) {
    return {
      status: 'failed',
      error: errorInfo(
        new Error(`the step's output is not JSON-serialisable: ${(error as Error).message}`),
        'STEP_OUTPUT_INVALID',
      ),
      retryable: false,
    }
  }
  if (text === undefined || Buffer.byteLength(text) > maxOutputBytes) {
    return {
      status: 'failed',
      error: {
        message:
          text === undefined
            ? "the step's output is not JSON (a function or symbol?)"
            : `the step's output is ${Buffer.byteLength(text)} bytes; at most ${maxOutputBytes}: return a reference to the data (a path, a table), not the data`,
        code: 'STEP_OUTPUT_INVALID',
      },
      retryable: false,
    }
  }
  return { status: 'succeeded', output: JSON.parse(text) as unknown }
}
