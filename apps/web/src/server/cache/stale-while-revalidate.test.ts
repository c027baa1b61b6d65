import { beforeEach, describe, expect, it } from 'vitest'
import { clearStaleWhileRevalidate, staleWhileRevalidate } from './stale-while-revalidate.ts'

describe('staleWhileRevalidate', () => {
  beforeEach(() => clearStaleWhileRevalidate())

  it('reads once while fresh, answers stale at once while a fresh read runs, then the fresh value', async () => {
    let reads = 0
    let release: (() => void) | undefined
    const read = () => {
      reads++
      const n = reads
      return n === 1 ? Promise.resolve(n) : new Promise<number>((resolve) => (release = () => resolve(n)))
    }
    await expect(staleWhileRevalidate('k', 1000, read, 0)).resolves.toBe(1)
    await expect(staleWhileRevalidate('k', 1000, read, 500)).resolves.toBe(1)
    expect(reads).toBe(1)
    // Stale: the old value answers, one refresh starts, and a second stale call starts no other.
    await expect(staleWhileRevalidate('k', 1000, read, 1500)).resolves.toBe(1)
    await expect(staleWhileRevalidate('k', 1000, read, 1600)).resolves.toBe(1)
    expect(reads).toBe(2)
    release?.()
    await new Promise((resolve) => setTimeout(resolve, 0))
    await expect(staleWhileRevalidate('k', 1000, read, 1700)).resolves.toBe(2)
    expect(reads).toBe(2)
  })

  it('keeps no failed first read, and keeps the old value when a refresh fails', async () => {
    await expect(staleWhileRevalidate('f', 1000, () => Promise.reject(new Error('down')), 0)).rejects.toThrow(
      'down',
    )
    await expect(staleWhileRevalidate('f', 1000, () => Promise.resolve('up'), 10)).resolves.toBe('up')
    await expect(
      staleWhileRevalidate('f', 1000, () => Promise.reject(new Error('blip')), 2000),
    ).resolves.toBe('up')
    await new Promise((resolve) => setTimeout(resolve, 0))
    // The failed refresh left the old value, and the next stale call tries again.
    await expect(staleWhileRevalidate('f', 1000, () => Promise.resolve('again'), 2100)).resolves.toBe('up')
    await new Promise((resolve) => setTimeout(resolve, 0))
    await expect(staleWhileRevalidate('f', 1000, () => Promise.resolve('never'), 2200)).resolves.toBe('again')
  })
})
