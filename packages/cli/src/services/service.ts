import type { ExitStatus } from './supervised-process.ts'

/**
 * Something `steward dev` runs and watches: the web child, a Redis it started, and later the
 * worker (a child process or an in-process service alike). If one exits on its own, dev stops.
 */
export interface Service {
  name: string
  exited: Promise<ExitStatus>
  /** Its last output lines, shown when it dies. */
  lastLines(): string[]
}
