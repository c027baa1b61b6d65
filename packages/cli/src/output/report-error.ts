import { isStewardError } from '@steward/kernel'

/**
 * Prints a failure as one line, `steward: <message>`, and returns the exit code. A StewardError's
 * message is written for people; anything else is a bug or a surprise, so it gets a hint to rerun
 * with STEWARD_DEBUG=1, which also prints the stack and causes.
 */
export function reportError(error: unknown, debug: boolean, write: (line: string) => void): number {
  const known = isStewardError(error)
  if (known && error.code === 'DEFINITION_INVALID') {
    // The one error that lists several problems: one line each, every line naming file, definition and field.
    const [first = '', ...rest] = error.message.split('\n')
    write(`steward: ${first}`)
    for (const line of rest) write(line)
    return 1
  }
  const message = oneLine(error instanceof Error ? error.message : String(error)) || 'unknown error'
  // A StewardError's message was written for people, URLs already redacted; anything else may
  // quote a URL with its password.
  const shown = known ? message : redactSecrets(message)
  const hint = known || debug ? '' : ' (set STEWARD_DEBUG=1 to see the stack)'
  write(`steward: ${shown}${hint}`)
  if (debug) {
    for (const line of describeChain(error)) write(redactSecrets(line))
  }
  return 1
}

/** Messages from libraries may span lines; one line keeps the output greppable. */
function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ')
}

/** A URL's password may hide in any message (`postgres://u:secret@h`): never print it. */
export function redactSecrets(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]+@/gi, '$1:***@')
}

function describeChain(error: unknown): string[] {
  const lines: string[] = []
  let current: unknown = error
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof Error) {
      const code = 'code' in current ? ` [${String(current.code)}]` : ''
      lines.push(`${depth === 0 ? '' : 'caused by: '}${current.stack ?? current.message}${code}`)
      current = current.cause
    } else {
      lines.push(`caused by: ${String(current)}`)
      current = undefined
    }
  }
  return lines
}
