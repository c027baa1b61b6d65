import { describe, expect, test } from 'vitest'
import { axisScale, compactNumber, niceStep, placeLabels } from './scatter-scale.ts'

describe('axisScale', () => {
  test('values within two decades get a linear axis from 0 with nice ticks', () => {
    const scale = axisScale([3, 40, 120], [0, 400])
    expect(scale.kind).toBe('linear')
    expect(scale.ticks.map((t) => t.value)).toEqual([0, 50, 100, 150])
    expect(scale.at(0)).toBe(0)
    expect(scale.at(150)).toBe(400)
    expect(scale.at(75)).toBe(200)
  })

  test('values over more decades get a log axis, with zeros in a band at its start', () => {
    const scale = axisScale([0, 2, 40, 35_000], [0, 500])
    expect(scale.kind).toBe('log')
    expect(scale.ticks.map((t) => t.label)).toEqual(['0', '1', '10', '100', '1K', '10K', '100K'])
    expect(scale.at(0)).toBe(0)
    expect(scale.at(1)).toBeCloseTo(30) // the zero band is 6 % of the axis
    expect(scale.at(100_000)).toBeCloseTo(500)
    // Equal ratios are equal distances.
    expect(scale.at(100) - scale.at(10)).toBeCloseTo(scale.at(1000) - scale.at(100))
    // Order is kept.
    expect(scale.at(2)).toBeLessThan(scale.at(40))
    expect(scale.at(40)).toBeLessThan(scale.at(35_000))
  })

  test('a y axis runs upwards: end below start', () => {
    const scale = axisScale([1, 10_000], [300, 0])
    expect(scale.kind).toBe('log')
    expect(scale.at(10_000)).toBeCloseTo(0)
    expect(scale.at(1)).toBeGreaterThan(scale.at(10))
    expect(scale.at(0)).toBe(300)
  })

  test('no data, or only zeros, still draws an axis', () => {
    for (const values of [[], [0, 0]]) {
      const scale = axisScale(values, [0, 100])
      expect(scale.kind).toBe('linear')
      expect(scale.at(0)).toBe(0)
      expect(scale.ticks.length).toBeGreaterThan(1)
    }
  })

  test('many decades label every other power of ten', () => {
    const scale = axisScale([0.001, 5_000_000], [0, 100])
    expect(scale.ticks.map((t) => t.value).slice(1)).toEqual([0.001, 0.1, 10, 1000, 100_000, 10_000_000])
  })
})

test('niceStep and compactNumber', () => {
  expect([0.3, 1, 1.2, 3, 7, 120].map(niceStep)).toEqual([0.5, 1, 2, 5, 10, 200])
  expect(niceStep(0)).toBe(1)
  expect([0, 1500, 2_000_000, 0.05].map(compactNumber)).toEqual(['0', '1.5K', '2M', '0.05'])
})

describe('placeLabels', () => {
  test('keeps labels in order of importance, skips those that would overlap, up to the limit', () => {
    const placed = placeLabels(
      [
        { id: 'a', x: 10, y: 100, text: 'Alpha' },
        { id: 'b', x: 12, y: 104, text: 'Beta' }, // on top of Alpha's label
        { id: 'c', x: 10, y: 200, text: 'Gamma' },
        { id: 'd', x: 10, y: 300, text: 'Delta' },
      ],
      { width: 400, limit: 2 },
    )
    expect(placed.map((p) => p.id)).toEqual(['a', 'c'])
    expect(placed[0]?.anchor).toBe('start')
  })

  test('labels near the right edge go to the left of their point', () => {
    const [label] = placeLabels([{ id: 'a', x: 390, y: 50, text: 'Right edge' }], { width: 400, limit: 5 })
    expect(label?.anchor).toBe('end')
    expect(label?.left).toBeLessThan(390)
  })
})
