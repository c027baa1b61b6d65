import type { Platform } from '../access-logs/access-log-line.ts'
import { type ChurnFeatures, churnColumns } from './churn-features.ts'
import { ChurnFileError, type ChurnFileProblem } from './churn-file-error.ts'

const maxProblems = 20
const platforms = new Set<string>(['ios', 'android', 'web'])

/**
 * A churn export, strictly: the header must be exactly the contract's (see ChurnFeatures), every row
 * must have every field, and every field must be valid. The first problems are collected (up to 20)
 * and thrown together as a ChurnFileError naming line and column, so one fix round is enough.
 * Fields are plain: the export never quotes, so a quote is itself an error.
 *
 * @example
 * const rows = parseChurnCsv(text, 'churn-2026-11-02.csv')
 */
export function parseChurnCsv(text: string, file: string): ChurnFeatures[] {
  const lines = text.split(/\r?\n/)
  if (lines[lines.length - 1] === '') lines.pop()
  const header = lines[0]
  if (header === undefined || header.trim() === '') {
    throw new ChurnFileError('CHURN_FILE_EMPTY', file, [
      {
        line: 1,
        column: null,
        columnName: null,
        message: `the file is empty: expected the header ${churnColumns.join(',')}`,
      },
    ])
  }
  const names = header.replace(/^\uFEFF/, '').split(',')
  const headerProblems: ChurnFileProblem[] = []
  churnColumns.forEach((expected, i) => {
    const found = names[i]
    if (found?.trim() !== expected) {
      headerProblems.push({
        line: 1,
        column: i + 1,
        columnName: expected,
        message:
          found === undefined
            ? `the header is missing column "${expected}"`
            : `the header has "${found}" where "${expected}" belongs`,
      })
    }
  })
  if (names.length > churnColumns.length) {
    headerProblems.push({
      line: 1,
      column: churnColumns.length + 1,
      columnName: names[churnColumns.length] ?? null,
      message: `the header has extra columns: expected exactly ${churnColumns.join(',')}`,
    })
  }
  if (headerProblems.length > 0) throw new ChurnFileError('CHURN_FILE_HEADER', file, headerProblems)

  const rows: ChurnFeatures[] = []
  const problems: ChurnFileProblem[] = []
  let more = 0
  const seen = new Map<string, number>()
  const problem = (p: ChurnFileProblem) => {
    if (problems.length < maxProblems) problems.push(p)
    else more++
  }

  for (let index = 1; index < lines.length; index++) {
    const lineNumber = index + 1
    const raw = lines[index] ?? ''
    const fields = raw.split(',')
    if (fields.length !== churnColumns.length) {
      problem({
        line: lineNumber,
        column: null,
        columnName: null,
        message: `has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${churnColumns.length} (${churnColumns.join(',')})`,
      })
      continue
    }
    const field = (i: number) => fields[i] ?? ''
    const bad = (i: number, message: string) =>
      problem({ line: lineNumber, column: i + 1, columnName: churnColumns[i] ?? null, message })
    const before = problems.length + more

    const userId = field(0)
    if (userId === '') bad(0, 'is empty: every row needs a user id')
    else if (/["\s]/.test(userId)) bad(0, `"${userId}" has a quote or a space`)
    else if (seen.has(userId)) bad(0, `"${userId}" appears twice (first on line ${seen.get(userId)})`)
    else seen.set(userId, lineNumber)

    const daysActive = wholeNumber(field(1))
    if (daysActive === null || daysActive > 28) bad(1, `"${field(1)}" is not a whole number from 0 to 28`)
    const messages = wholeNumber(field(2))
    if (messages === null) bad(2, `"${field(2)}" is not a whole number of 0 or more`)
    const lastSeen = field(3)
    if (!isDay(lastSeen)) bad(3, `"${lastSeen}" is not a date written YYYY-MM-DD`)
    const platform = field(4)
    if (!platforms.has(platform)) bad(4, `"${platform}" is not a platform: use ios, android or web`)
    const paid = field(5)
    if (paid !== 'true' && paid !== 'false') bad(5, `"${paid}" is not true or false`)

    if (problems.length + more === before && daysActive !== null && messages !== null) {
      rows.push({
        user_id: userId,
        days_active_28d: daysActive,
        messages_sent_28d: messages,
        last_seen: lastSeen,
        platform: platform as Platform,
        paid: paid === 'true',
      })
    }
  }
  if (problems.length > 0) throw new ChurnFileError('CHURN_FILE_ROW', file, problems, more)
  if (rows.length === 0) {
    throw new ChurnFileError('CHURN_FILE_EMPTY', file, [
      { line: 2, column: null, columnName: null, message: 'the file has a header but no users' },
    ])
  }
  return rows
}

function wholeNumber(text: string): number | null {
  return /^\d{1,9}$/.test(text) ? Number(text) : null
}

function isDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const time = Date.parse(`${text}T00:00:00Z`)
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === text
}
