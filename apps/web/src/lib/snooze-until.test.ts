import { describe, expect, test } from 'vitest'
import { isSnoozeChoice, snoozeUntil } from './snooze-until.ts'

describe('snoozeUntil', () => {
  const now = new Date('2026-03-10T14:20:00Z')

  test('hours are added to now', () => {
    expect(snoozeUntil('1h', now, 'UTC').toISOString()).toBe('2026-03-10T15:20:00.000Z')
    expect(snoozeUntil('4h', now, 'Asia/Seoul').toISOString()).toBe('2026-03-10T18:20:00.000Z')
  })

  test('tomorrow is 09:00 on the next local day of the zone', () => {
    expect(snoozeUntil('tomorrow', now, 'UTC').toISOString()).toBe('2026-03-11T09:00:00.000Z')
    // 23:20 in Seoul already: tomorrow there is the 11th, 09:00 KST = 00:00 UTC.
    expect(snoozeUntil('tomorrow', now, 'Asia/Seoul').toISOString()).toBe('2026-03-11T00:00:00.000Z')
    // 07:20 in Los Angeles (PDT since 8 March): 09:00 PDT on the 11th.
    expect(snoozeUntil('tomorrow', now, 'America/Los_Angeles').toISOString()).toBe('2026-03-11T16:00:00.000Z')
  })

  test('across a DST change the wall clock still says 09:00', () => {
    // Berlin moves to summer time on 29 March 2026: 09:00 CEST is 07:00 UTC.
    const evening = new Date('2026-03-28T20:00:00Z')
    expect(snoozeUntil('tomorrow', evening, 'Europe/Berlin').toISOString()).toBe('2026-03-29T07:00:00.000Z')
  })

  test('month ends roll over', () => {
    expect(snoozeUntil('tomorrow', new Date('2026-01-31T10:00:00Z'), 'UTC').toISOString()).toBe(
      '2026-02-01T09:00:00.000Z',
    )
  })

  test('only the offered choices are accepted', () => {
    expect(isSnoozeChoice('4h')).toBe(true)
    expect(isSnoozeChoice('2h')).toBe(false)
    expect(isSnoozeChoice(undefined)).toBe(false)
  })
})
