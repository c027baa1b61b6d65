import { CommanderError } from 'commander'
import { debugEnabled } from './env.ts'
import { err } from './output/print.ts'
import { reportError } from './output/report-error.ts'
import { createProgram } from './program.ts'

/**
 * Runs `steward` with `argv` (as in `process.argv`) and returns the exit code. Every failure ends
 * as one `steward: <message>` line on stderr; stacks only with STEWARD_DEBUG=1.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv)
    return 0
  } catch (error) {
    // Commander has already printed its message (or the help/version it was asked for).
    if (error instanceof CommanderError) return error.exitCode
    return reportError(error, debugEnabled(), err)
  }
}
