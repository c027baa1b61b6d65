import { StewardError } from '@steward/kernel'
import { type DefinitionProblem, formatProblem } from './definition-problem.ts'

export type ValidationErrorCode = 'DEFINITION_INVALID'

/**
 * The definitions cannot be deployed or run. Carries every problem found, not only the first, so
 * one `steward validate` shows all there is to fix; `message` prints one line per problem.
 */
export class DefinitionError extends StewardError<ValidationErrorCode> {
  readonly problems: readonly DefinitionProblem[]

  constructor(problems: readonly DefinitionProblem[]) {
    const lines = problems.map(formatProblem)
    const message =
      lines.length === 1
        ? (lines[0] ?? '')
        : `${lines.length} problems in the definitions:\n${lines.map((line) => `  ${line}`).join('\n')}`
    super('DEFINITION_INVALID', message)
    this.problems = problems
  }
}

export function isDefinitionError(error: unknown): error is DefinitionError {
  return (
    error instanceof Error && 'code' in error && error.code === 'DEFINITION_INVALID' && 'problems' in error
  )
}
