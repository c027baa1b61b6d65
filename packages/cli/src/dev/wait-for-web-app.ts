import { cliError } from '../errors.ts'
import { waitForHttp } from '../net/wait-for-http.ts'
import type { SupervisedProcess } from '../services/supervised-process.ts'

/** A production server answers within seconds; this bounds a machine under heavy load. */
const readyTimeoutMs = 60_000

/**
 * Waits until the web app's /api/health answers (any status: a 500 still means the app is up),
 * failing at once if the child exits first. Returns false if `signal` aborted the wait.
 */
export async function waitForWebApp(
  web: SupervisedProcess,
  port: number,
  signal: AbortSignal,
): Promise<boolean> {
  const died = new AbortController()
  void web.exited.then(() => died.abort())
  const answered = await waitForHttp(`http://127.0.0.1:${port}/api/health`, {
    timeoutMs: readyTimeoutMs,
    signal: AbortSignal.any([signal, died.signal]),
  })
  if (answered || signal.aborted) return answered
  if (web.hasExited()) throw await webExited(web)
  throw cliError(
    'WEB_NOT_READY',
    `the web app did not answer at http://localhost:${port}/api/health within ${readyTimeoutMs / 1000} s: see its output above`,
  )
}

/** The error for a web child that exited without being asked to. */
export async function webExited(web: Pick<SupervisedProcess, 'exited'>) {
  const status = await web.exited
  const how = status.error
    ? `could not start (${status.error.message})`
    : `exited with ${status.signal ? `signal ${status.signal}` : `code ${status.code}`}`
  return cliError('WEB_EXITED', `the web app (next start) ${how}: its last lines are above`)
}
