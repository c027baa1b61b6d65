/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence on every
 * machine, which is what makes the generated logs reproducible. Not for anything secret.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max). */
  int(min: number, max: number): number
  /** True with probability `p`. */
  chance(p: number): boolean
  pick<T>(items: readonly T[]): T
  /** An item chosen with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T
  /** An exponentially distributed amount with the given mean (waiting times between actions). */
  exponential(mean: number): number
  /** `bytes` random bytes as lowercase hex. */
  hex(bytes: number): string
}

/** mulberry32: 32 bits of state, fast, and good enough for simulated traffic. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Mixes several integers into one 32-bit seed, so that (seed, day) and (seed, day + 1) are unrelated streams. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193)
    h ^= h >>> 13
    h = Math.imul(h, 0x5bd1e995)
    h ^= h >>> 15
  }
  return h >>> 0
}

/**
 * A class rather than an object of closures: the generator makes one per established user, and
 * methods on a prototype cost nothing to create.
 *
 * @example
 * const random = seededRandom(42)
 * random.int(0, 10) // the same number for seed 42, every time
 */
class SeededRandom implements Random {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  next(): number {
    // mulberry32, inlined.
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)]
    if (item === undefined) throw new Error('pick() needs at least one item')
    return item
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0
    for (const [, weight] of items) total += weight
    let r = this.next() * total
    for (const [item, weight] of items) {
      r -= weight
      if (r < 0) return item
    }
    const last = items[items.length - 1]
    if (last === undefined) throw new Error('weighted() needs at least one item')
    return last[0]
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next())
  }

  hex(bytes: number): string {
    let out = ''
    let word = 0
    for (let i = 0; i < bytes; i++) {
      if ((i & 3) === 0) word = (this.next() * 4294967296) >>> 0
      out += byteHex[(word >>> ((i & 3) * 8)) & 255]
    }
    return out
  }
}

const byteHex: readonly string[] = Array.from({ length: 256 }, (_, byte) =>
  byte.toString(16).padStart(2, '0'),
)

export function seededRandom(seed: number): Random {
  return new SeededRandom(seed)
}
