import { describe, expect, it } from 'vitest'
import { addDays } from './calendar-date.ts'
import { addHours, type LocalTime } from './local-time.ts'
import { dateIn, instantOf, isTimeZone, localTimeAt } from './time-zone.ts'

/** `2026-10-25 02:30` as a local time. */
const local = (text: string): LocalTime => ({
  date: text.slice(0, 10),
  hour: Number(text.slice(11, 13)),
  minute: Number(text.slice(14, 16)),
})

describe('instantOf', () => {
  it.each([
    // Berlin leaves summer time on 2026-10-25 at 03:00 local (01:00Z); New York enters it on
    // 2026-03-08 at 02:00 local (07:00Z).
    ['Europe/Berlin', '2026-10-24 09:00', '2026-10-24T07:00Z', 'summer time'],
    ['Europe/Berlin', '2026-10-25 09:00', '2026-10-25T08:00Z', 'winter time, the same day'],
    ['America/New_York', '2026-03-07 09:00', '2026-03-07T14:00Z', 'EST'],
    ['America/New_York', '2026-03-08 09:00', '2026-03-08T13:00Z', 'EDT, the same day'],
    ['UTC', '2026-06-01 00:00', '2026-06-01T00:00Z', 'UTC'],
    // A skipped time is read with the offset before the jump: a whole hour lands on the jump.
    ['Europe/Berlin', '2026-03-29 02:00', '2026-03-29T01:00Z', 'skipped: the jump'],
    ['Europe/Berlin', '2026-03-29 02:30', '2026-03-29T01:30Z', 'skipped: 03:30'],
    ['Europe/Berlin', '2026-03-29 03:00', '2026-03-29T01:00Z', 'right after the jump'],
    ['America/New_York', '2026-03-08 02:00', '2026-03-08T07:00Z', 'skipped: the jump'],
    ['America/New_York', '2026-03-08 02:30', '2026-03-08T07:30Z', 'skipped: 03:30'],
    // A time that happens twice is its first instant. Partition windows need the first (a window
    // holds every instant that shows its start); the alerts' digest hour used to take the second.
    ['Europe/Berlin', '2026-10-25 02:00', '2026-10-25T00:00Z', 'twice: the first, in CEST'],
    ['Europe/Berlin', '2026-10-25 02:30', '2026-10-25T00:30Z', 'twice: the first, in CEST'],
    ['Europe/Berlin', '2026-10-25 03:00', '2026-10-25T02:00Z', 'once again'],
    ['America/New_York', '2026-11-01 01:00', '2026-11-01T05:00Z', 'twice: the first, in EDT'],
    ['America/New_York', '2026-11-01 01:30', '2026-11-01T05:30Z', 'twice: the first, in EDT'],
    ['America/New_York', '2026-11-01 02:00', '2026-11-01T07:00Z', 'once again'],
    // Kolkata is UTC+05:30 all year. Adelaide is +09:30, +10:30 in summer: back from 03:00 to
    // 02:00 on 2026-04-05, forward from 02:00 to 03:00 on 2026-10-04. Lord Howe moves by half an
    // hour: 02:00 becomes 02:30 on 2026-10-04, and 02:00 goes back to 01:30 on 2026-04-05.
    ['Asia/Kolkata', '2026-06-01 09:00', '2026-06-01T03:30Z', 'half an hour off UTC'],
    ['Asia/Kolkata', '2026-06-01 00:00', '2026-05-31T18:30Z', 'the day before in UTC'],
    ['Australia/Adelaide', '2026-04-05 02:00', '2026-04-04T15:30Z', 'twice: the first'],
    ['Australia/Adelaide', '2026-10-04 02:00', '2026-10-03T16:30Z', 'skipped: the jump'],
    ['Australia/Adelaide', '2026-10-04 02:30', '2026-10-03T17:00Z', 'skipped: 03:30'],
    ['Australia/Lord_Howe', '2026-10-04 02:15', '2026-10-03T15:45Z', 'skipped: 02:45'],
    ['Australia/Lord_Howe', '2026-04-05 01:45', '2026-04-04T14:45Z', 'twice: the first'],
  ])('in %s, %s is %s (%s)', (zone, time, instant) => {
    expect(instantOf(local(time), zone)).toEqual(new Date(instant))
  })

  it('leaves the minute out as 0', () => {
    expect(instantOf({ date: '2026-06-01', hour: 9 }, 'Asia/Kolkata')).toEqual(new Date('2026-06-01T03:30Z'))
  })

  it('goes back to the same local time from every instant around a DST change, at its first instant', () => {
    const changes: [string, string][] = [
      ['Europe/Berlin', '2026-03-29'],
      ['Europe/Berlin', '2026-10-25'],
      ['America/New_York', '2026-03-08'],
      ['America/New_York', '2026-11-01'],
      ['Australia/Adelaide', '2026-04-05'],
      ['Australia/Lord_Howe', '2026-10-04'],
    ]
    for (const [zone, day] of changes) {
      const from = instantOf({ date: addDays(day, -1), hour: 12 }, zone).getTime()
      for (let at = from; at < from + 2 * 86_400_000; at += 15 * 60_000) {
        const local = localTimeAt(new Date(at), zone)
        const back = instantOf(local, zone)
        expect(localTimeAt(back, zone)).toEqual(local)
        expect(back.getTime()).toBeLessThanOrEqual(at)
      }
    }
  })
})

describe('localTimeAt and dateIn', () => {
  it('read the wall clock of the zone', () => {
    expect(localTimeAt(new Date('2026-06-01T00:00:00Z'), 'Asia/Kolkata')).toEqual({
      date: '2026-06-01',
      hour: 5,
      minute: 30,
    })
    expect(localTimeAt(new Date('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toEqual({
      date: '2026-10-25',
      hour: 2,
      minute: 30,
    })
    expect(localTimeAt(new Date('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toEqual({
      date: '2026-10-25',
      hour: 2,
      minute: 30,
    })
  })

  it('put an instant on the local date of the zone', () => {
    expect(dateIn(new Date('2026-05-31T18:29:00Z'), 'Asia/Kolkata')).toBe('2026-05-31')
    expect(dateIn(new Date('2026-05-31T18:30:00Z'), 'Asia/Kolkata')).toBe('2026-06-01')
    // 23:30 UTC on 2 November is 00:30 on 3 November in Berlin, and 18:30 on the 2nd in New York.
    expect(dateIn(new Date('2026-11-02T23:30:00Z'), 'Europe/Berlin')).toBe('2026-11-03')
    expect(dateIn(new Date('2026-11-02T23:30:00Z'), 'America/New_York')).toBe('2026-11-02')
    expect(dateIn(new Date('2026-11-02T23:30:00Z'), 'UTC')).toBe('2026-11-02')
  })
})

describe('addHours', () => {
  it('adds wall-clock hours, rolling over into other days', () => {
    expect(addHours({ date: '2026-12-31', hour: 23 }, 2)).toEqual({ date: '2027-01-01', hour: 1 })
    expect(addHours({ date: '2026-03-01', hour: 0 }, -1)).toEqual({ date: '2026-02-28', hour: 23 })
    expect(addHours({ date: '2026-03-01', hour: 5, minute: 30 }, 48)).toEqual({
      date: '2026-03-03',
      hour: 5,
      minute: 30,
    })
  })
})

describe('isTimeZone', () => {
  it('knows IANA names in any letter case, and nothing else', () => {
    for (const zone of ['Europe/Berlin', 'UTC', 'europe/berlin', 'Asia/Kolkata', 'Etc/GMT+5'])
      expect(isTimeZone(zone)).toBe(true)
    for (const zone of ['', ' ', 'Mars/Olympus', '+05:30', 'Europe/Berlin '])
      expect(isTimeZone(zone)).toBe(false)
  })
})
