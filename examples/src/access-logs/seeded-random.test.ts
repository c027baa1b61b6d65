import { describe, expect, it } from 'vitest'
import { mixSeed, seededRandom } from './seeded-random.ts'

describe('seededRandom', () => {
  it('gives the same sequence for the same seed and a different one for another', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed)
      return Array.from({ length: 5 }, () => random.next())
    }
    expect(draw(42)).toEqual(draw(42))
    expect(draw(42)).not.toEqual(draw(43))
  })

  it('keeps int, pick and hex within their ranges', () => {
    const random = seededRandom(1)
    for (let i = 0; i < 1000; i++) {
      const n = random.int(3, 7)
      expect(n).toBeGreaterThanOrEqual(3)
      expect(n).toBeLessThan(7)
    }
    expect(['a', 'b']).toContain(random.pick(['a', 'b']))
    expect(random.hex(16)).toMatch(/^[0-9a-f]{32}$/)
    expect(random.hex(3)).toMatch(/^[0-9a-f]{6}$/)
  })

  it('follows weights', () => {
    const random = seededRandom(9)
    let heavy = 0
    for (let i = 0; i < 10_000; i++)
      if (
        random.weighted([
          ['heavy', 9],
          ['light', 1],
        ] as const) === 'heavy'
      )
        heavy++
    expect(heavy / 10_000).toBeCloseTo(0.9, 1)
  })

  it('mixes seeds so neighbouring days are unrelated streams', () => {
    expect(mixSeed(7, 20_000)).not.toBe(mixSeed(7, 20_001))
    expect(mixSeed(7, 20_000)).toBe(mixSeed(7, 20_000))
  })
})
