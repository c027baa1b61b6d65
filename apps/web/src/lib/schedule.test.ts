import { describe, expect, it } from 'vitest'
import { describeCron, nextFireTimes, previousFireTime } from './schedule.ts'

describe('schedule in words', () => {
  it('says the common shapes as people would', () => {
    expect(describeCron('0 7 * * 1')).toBe('Every Monday at 07:00')
    expect(describeCron('30 6 * * *')).toBe('Every day at 06:30')
    expect(describeCron('0 9 * * 1-5')).toBe('Weekdays at 09:00')
    expect(describeCron('0 9 * * 1,3,5')).toBe('Every Monday, Wednesday and Friday at 09:00')
    expect(describeCron('*/15 * * * *')).toBe('Every 15 minutes')
    expect(describeCron('0 * * * *')).toBe('Every hour, on the hour')
    expect(describeCron('5 */6 * * *')).toBe('Every 6 hours at minute 5')
    expect(describeCron('0 2 1 * *')).toBe('Monthly on day 1 at 02:00')
    expect(describeCron('@daily')).toBe('Every day at 00:00')
  })

  it('gives up on what it cannot say well', () => {
    expect(describeCron('0 0 1 1 *')).toBeUndefined()
    expect(describeCron('0 8-18/2 * * *')).toBeUndefined()
    expect(describeCron('nonsense')).toBeUndefined()
  })

  it('finds the next and previous fire times in the schedule’s time zone', () => {
    const from = new Date('2026-11-23T22:20:00Z') // Tuesday 07:20 in Seoul
    const [next, after] = nextFireTimes('0 7 * * 1', 'Asia/Seoul', from, 2)
    expect(next?.toISOString()).toBe('2026-11-29T22:00:00.000Z') // Monday 07:00 KST
    expect(after?.toISOString()).toBe('2026-12-06T22:00:00.000Z')
    expect(previousFireTime('0 7 * * 1', 'Asia/Seoul', from)?.toISOString()).toBe('2026-11-22T22:00:00.000Z')
    expect(nextFireTimes('not a cron', 'UTC', from)).toEqual([])
  })
})
