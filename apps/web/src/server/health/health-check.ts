/**
 * A health check: one named dependency the web app needs, asked whether it answers.
 *
 * Contract: `run` resolves when the dependency answered (optionally with `details`: things an
 * operator should fix that do not make the host unhealthy) and throws an `Error` whose message says
 * what failed and where, for the operator reading /api/health (never a password: URLs go through
 * `redactUrl`). It should stop its work when `signal` aborts (the runner's timeout). `target`
 * names where it looks (a redacted URL), for the timeout message.
 */
export interface HealthCheck {
  name: string
  target(): string
  // biome-ignore lint/suspicious/noConfusingVoidType: most checks answer nothing; `async run() {}` is a Promise<void>
  run(signal: AbortSignal): Promise<void | { details: string[] }>
}

export type CheckResult =
  | { status: 'OKAY'; latencyMs: number; details?: string[] }
  | { status: 'ERROR'; error: string; latencyMs: number }

/** The body of GET /api/health. */
export interface HealthReport {
  status: 'OKAY' | 'ERROR'
  checks: Record<string, CheckResult>
}

export const defaultCheckTimeoutMs = 2000

/** Runs every check in parallel, each within `timeoutMs`; OKAY only when all of them answered. */
export async function runHealthChecks(
  checks: readonly HealthCheck[],
  timeoutMs = defaultCheckTimeoutMs,
): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (check) => [check.name, await runCheck(check, timeoutMs)] as const),
  )
  return {
    status: results.every(([, result]) => result.status === 'OKAY') ? 'OKAY' : 'ERROR',
    checks: Object.fromEntries(results),
  }
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const controller = new AbortController()
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new Error(`no answer within ${timeoutMs} ms from ${safeTarget(check)}`))
    }, timeoutMs)
  })
  try {
    const answer = await Promise.race([check.run(controller.signal), timeout])
    const details = answer?.details ?? []
    return details.length > 0
      ? { status: 'OKAY', latencyMs: elapsed(), details: details.map(scrubPasswords) }
      : { status: 'OKAY', latencyMs: elapsed() }
  } catch (error) {
    const message = scrubPasswords(error instanceof Error ? error.message : String(error))
    console.warn(`[steward web] health check ${check.name} failed: ${message}`)
    return { status: 'ERROR', error: message, latencyMs: elapsed() }
  } finally {
    clearTimeout(timer)
  }
}

function safeTarget(check: HealthCheck): string {
  try {
    return check.target()
  } catch {
    return check.name
  }
}

// Checks redact the URLs they print; this is the second lock on that door, for messages that
// come from drivers and may quote a connection string.
function scrubPasswords(message: string): string {
  return message.replace(/\/\/([^:@/\s]*):[^@/\s]+@/g, '//$1:***@')
}
