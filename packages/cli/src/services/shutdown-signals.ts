// SIGHUP: the terminal closed; our children would otherwise outlive it in their own groups.
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/**
 * A signal sent to a process group reaches a launcher (npm, scripts/start.mjs) and us at once, and
 * the launcher passes its copy on: one request to stop can arrive twice within milliseconds. Only a
 * repeat after this long is a person asking again.
 */
const echoMs = 1_000

/**
 * The first SIGINT/SIGTERM/SIGHUP asks for an orderly stop; a second one, a second later or more,
 * means "now". Installing
 * a listener also disables Node's default (exit at once), which would leave children running.
 * Returns `done`: later signals are then ignored, so an impatient second Ctrl-C that lands after
 * everything stopped does not turn a clean exit into death by SIGINT. The process is about to
 * exit; the listeners stay.
 */
export function onShutdownSignals(
  stop: (signal: NodeJS.Signals) => void,
  forceStop: (signal: NodeJS.Signals) => void,
): () => void {
  let received = 0
  let firstAt = 0
  let finished = false
  const listener = (signal: NodeJS.Signals) => {
    if (finished) return
    if (received === 1 && performance.now() - firstAt < echoMs) return
    if (received === 0) firstAt = performance.now()
    received += 1
    if (received === 1) stop(signal)
    else forceStop(signal)
  }
  for (const signal of signals) process.on(signal, listener)
  return () => {
    finished = true
  }
}
