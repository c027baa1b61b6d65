/**
 * A failure a person can act on: a closed code for programs, a one-line message for people
 * (what is wrong and which setting or file to change), and the underlying `cause` for logs.
 * Every Steward package throws its own codes through this one class, so the CLI and the web
 * app can print `message` alone and never a stack trace.
 */
export class StewardError<Code extends string = string> extends Error {
  override readonly name = 'StewardError'
  readonly code: Code

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

export function isStewardError(error: unknown): error is StewardError {
  return error instanceof Error && error.name === 'StewardError' && 'code' in error
}
