import { describe, expect, it } from 'vitest'
import { ganttScale, offsetLabel, tickInterval } from './gantt-scale.ts'

describe('gantt scale', () => {
  it('picks a nice tick interval for the span', () => {
    expect(tickInterval(900)).toBe(200)
    expect(tickInterval(12_000)).toBe(2_000)
    expect(tickInterval(13_000)).toBe(5_000)
    expect(tickInterval(95_000)).toBe(30_000)
    expect(tickInterval(50 * 60_000)).toBe(600_000)
    expect(tickInterval(30 * 86_400_000)).toBe(5 * 86_400_000)
  })

  it('maps instants to pixels, rounding the axis up to a whole tick and clamping outside it', () => {
    const start = Date.parse('2026-11-23T10:00:00Z')
    const scale = ganttScale(start, start + 13_000, 600)
    expect(scale.span).toBe(15_000)
    expect(scale.x(start)).toBe(0)
    expect(scale.x(start + 7_500)).toBe(300)
    expect(scale.x(start + 15_000)).toBe(600)
    expect(scale.x(start - 5_000)).toBe(0)
    expect(scale.x(start + 60_000)).toBe(600)
    expect(scale.ticks.map((tick) => [tick.label, tick.x])).toEqual([
      ['0', 0],
      ['5s', 200],
      ['10s', 400],
      ['15s', 600],
    ])
  })

  it('never divides by zero for a run that took no time', () => {
    const scale = ganttScale(1000, 1000, 500)
    expect(scale.span).toBeGreaterThan(0)
    expect(Number.isFinite(scale.x(1000))).toBe(true)
  })

  it('labels offsets briefly', () => {
    expect(offsetLabel(0)).toBe('0')
    expect(offsetLabel(500)).toBe('500ms')
    expect(offsetLabel(2_500)).toBe('2.5s')
    expect(offsetLabel(90_000)).toBe('1m30s')
    expect(offsetLabel(7_200_000)).toBe('2h')
    expect(offsetLabel(4_500_000)).toBe('1h15m')
  })
})
