import { describe, expect, it } from 'vitest'
import { parseSilenceSwitch, silencesDay } from './silence-switch.ts'

describe('the demo silence switch', () => {
  it('is off without a host, silent from the start without a time, and names the setting when wrong', () => {
    expect(parseSilenceSwitch(undefined, '2026-11-02T14:00Z')).toBeUndefined()
    expect(parseSilenceSwitch(' ', undefined)).toBeUndefined()
    expect(parseSilenceSwitch('web-3', '2026-11-02T14:00Z')).toEqual({
      host: 'web-3',
      from: new Date('2026-11-02T14:00:00Z'),
    })
    expect(parseSilenceSwitch('web-3', undefined)?.from.getTime()).toBe(0)
    expect(() => parseSilenceSwitch('db-1', undefined)).toThrow(/STEWARD_DEMO_SILENCE_HOST: "db-1"/)
    expect(() => parseSilenceSwitch('web-3', 'tomorrow')).toThrow(/STEWARD_DEMO_SILENCE_FROM: "tomorrow"/)
  })

  it('reaches the day the host goes quiet and every day after, not the days before', () => {
    const silence = { host: 'web-3', from: new Date('2026-11-02T14:00:00Z') }
    expect(silencesDay(silence, Date.UTC(2026, 10, 1))).toBe(false)
    expect(silencesDay(silence, Date.UTC(2026, 10, 2))).toBe(true)
    expect(silencesDay(silence, Date.UTC(2026, 10, 9))).toBe(true)
    expect(silencesDay(undefined, Date.UTC(2026, 10, 2))).toBe(false)
  })
})
