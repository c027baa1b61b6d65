import { describe, expect, expectTypeOf, it } from 'vitest'
import { isStewardError } from '../errors/steward-error.ts'
import { type Duration, parseDuration } from './duration.ts'

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['8d', 691_200_000],
    ['2w', 1_209_600_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['1d2h3m4s5ms', 93_784_005],
    [250, 250],
    [0, 0],
  ] as const)('reads %s as %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms)
  })

  it.each([
    ['10 minutes', 'at "10 minutes"'],
    ['', '"" is not a duration'],
    ['m', 'at "m"'],
    ['30m1h', 'largest first'],
    ['1h1h', 'largest first'],
    ['10', 'at "10"'],
    [-5, 'must be 0 or more'],
    [Number.NaN, 'must be 0 or more'],
  ])('rejects %j with a clear message', (input, part) => {
    let caught: unknown
    try {
      parseDuration(input as string)
    } catch (error) {
      caught = error
    }
    expect(isStewardError(caught) && caught.code).toBe('DURATION_INVALID')
    expect((caught as Error).message).toContain(part)
    expect((caught as Error).message).not.toContain('\n')
  })

  it('types durations so that typos are caught before they run', () => {
    expectTypeOf<'1h30m'>().toExtend<Duration>()
    expectTypeOf<'1.5h'>().toExtend<Duration>()
    expectTypeOf<250>().toExtend<Duration>()
    expectTypeOf<'soon'>().not.toExtend<Duration>()
    expectTypeOf<'10 minutes'>().not.toExtend<Duration>()
  })
})
