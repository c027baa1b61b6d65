import { describe, expect, it } from 'vitest'
import { ChurnFileError } from './churn-file-error.ts'
import { generateChurnCsv } from './generate-churn-csv.ts'
import { parseChurnCsv } from './parse-churn-csv.ts'

const header = 'user_id,days_active_28d,messages_sent_28d,last_seen,platform,paid'

function failure(text: string): ChurnFileError {
  try {
    parseChurnCsv(text, 'churn.csv')
  } catch (error) {
    if (error instanceof ChurnFileError) return error
    throw error
  }
  throw new Error('expected the file to be refused')
}

describe('parseChurnCsv', () => {
  it('reads a valid file', () => {
    expect(
      parseChurnCsv(`${header}\nu_1,14,52,2026-11-01,ios,false\nu_2,0,0,2026-09-30,web,true\n`, 'churn.csv'),
    ).toEqual([
      {
        user_id: 'u_1',
        days_active_28d: 14,
        messages_sent_28d: 52,
        last_seen: '2026-11-01',
        platform: 'ios',
        paid: false,
      },
      {
        user_id: 'u_2',
        days_active_28d: 0,
        messages_sent_28d: 0,
        last_seen: '2026-09-30',
        platform: 'web',
        paid: true,
      },
    ])
  })

  it('accepts what the generator writes', () => {
    expect(
      parseChurnCsv(generateChurnCsv({ seed: 1, users: 2_000, asOf: '2026-11-02' }), 'g.csv'),
    ).toHaveLength(2_000)
  })

  it('names the line and column of a bad field', () => {
    const error = failure(`${header}\nu_1,14,52,2026-11-01,ios,false\nu_2,3,n/a,2026-11-01,ios,false\n`)
    expect(error.code).toBe('CHURN_FILE_ROW')
    expect(error.problems).toEqual([
      {
        line: 3,
        column: 3,
        columnName: 'messages_sent_28d',
        message: '"n/a" is not a whole number of 0 or more',
      },
    ])
    expect(error.message).toBe(
      'churn.csv line 3, column 3 (messages_sent_28d): "n/a" is not a whole number of 0 or more',
    )
  })

  it.each([
    ['u_1,29,1,2026-11-01,ios,false', 2, 'days_active_28d', /from 0 to 28/],
    ['u_1,1,1,2026-13-01,ios,false', 4, 'last_seen', /YYYY-MM-DD/],
    ['u_1,1,1,2026-11-01,windows,false', 5, 'platform', /ios, android or web/],
    ['u_1,1,1,2026-11-01,ios,yes', 6, 'paid', /true or false/],
    [',1,1,2026-11-01,ios,false', 1, 'user_id', /empty/],
  ])('refuses %s at column %i (%s)', (row, column, columnName, message) => {
    const [problem] = failure(`${header}\n${row}\n`).problems
    expect(problem).toMatchObject({ line: 2, column, columnName, message: expect.stringMatching(message) })
  })

  it('names a row with the wrong number of fields, and a duplicate user with its first line', () => {
    const error = failure(
      `${header}\nu_1,1,1,2026-11-01,ios\nu_2,1,1,2026-11-01,ios,false\nu_2,1,1,2026-11-01,ios,false\n`,
    )
    expect(error.problems).toEqual([
      { line: 2, column: null, columnName: null, message: expect.stringMatching(/has 5 fields, expected 6/) },
      { line: 4, column: 1, columnName: 'user_id', message: '"u_2" appears twice (first on line 3)' },
    ])
    expect(error.message).toContain('churn.csv line 2: has 5 fields')
    expect(error.message).toContain('2 problems in all')
  })

  it('checks the header column by column', () => {
    const error = failure(
      'user_id,days_active,messages_sent_28d,last_seen,platform,paid\nu_1,1,1,2026-11-01,ios,false\n',
    )
    expect(error.code).toBe('CHURN_FILE_HEADER')
    expect(error.message).toBe(
      'churn.csv line 1, column 2 (days_active_28d): the header has "days_active" where "days_active_28d" belongs',
    )
  })

  it('refuses an empty file and a file with no users', () => {
    expect(failure('').code).toBe('CHURN_FILE_EMPTY')
    expect(failure(`${header}\n`).message).toMatch(/no users/)
  })

  it('keeps the first 20 problems and counts the rest', () => {
    const rows = Array.from({ length: 25 }, (_, i) => `u_${i},x,1,2026-11-01,ios,false`).join('\n')
    const error = failure(`${header}\n${rows}\n`)
    expect(error.problems).toHaveLength(20)
    expect(error.more).toBe(5)
    expect(error.message).toMatch(/25 problems in all; the first 20 are shown$/)
  })
})
