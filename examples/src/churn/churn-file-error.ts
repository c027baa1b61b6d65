/** Why a churn file was refused. */
export type ChurnFileErrorCode = 'CHURN_FILE_EMPTY' | 'CHURN_FILE_HEADER' | 'CHURN_FILE_ROW'

export interface ChurnFileProblem {
  /** 1-based, the header being line 1. */
  line: number
  /** 1-based; null when the problem is the whole line (wrong number of fields). */
  column: number | null
  columnName: string | null
  message: string
}

/**
 * A malformed churn file. Not worth retrying: the same file fails the same way, so the run fails at
 * once and the alert names the line and column to fix.
 */
export class ChurnFileError extends Error {
  override readonly name = 'ChurnFileError'
  readonly retryable = false

  constructor(
    readonly code: ChurnFileErrorCode,
    readonly file: string,
    readonly problems: readonly ChurnFileProblem[],
    /** Problems beyond the ones kept. */
    readonly more = 0,
  ) {
    super(describe(file, problems, more))
  }
}

function describe(file: string, problems: readonly ChurnFileProblem[], more: number): string {
  const lines = problems.map((p) => {
    const where =
      p.column === null ? `line ${p.line}` : `line ${p.line}, column ${p.column} (${p.columnName})`
    return `${file} ${where}: ${p.message}`
  })
  const total = problems.length + more
  if (total > 1)
    lines.push(`${total} problems in all${more > 0 ? `; the first ${problems.length} are shown` : ''}`)
  return lines.join('\n')
}
