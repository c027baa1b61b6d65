import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Debounce } from './debounce.ts'

describe('Debounce', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('hands over a burst once, after the quiet time that follows its last item, each item once', () => {
    const flushed: string[][] = []
    const debounce = new Debounce<string>(100, (items) => flushed.push([...items]))
    debounce.add('a.ts')
    vi.advanceTimersByTime(80)
    debounce.add('b.ts')
    debounce.add('a.ts')
    vi.advanceTimersByTime(80)
    expect(flushed).toEqual([])
    vi.advanceTimersByTime(20)
    expect(flushed).toEqual([['a.ts', 'b.ts']])

    debounce.add('c.ts')
    vi.advanceTimersByTime(100)
    expect(flushed).toEqual([['a.ts', 'b.ts'], ['c.ts']])
  })

  it('hands over nothing after cancel', () => {
    const flushed: string[][] = []
    const debounce = new Debounce<string>(100, (items) => flushed.push([...items]))
    debounce.add('a.ts')
    debounce.cancel()
    vi.advanceTimersByTime(500)
    expect(flushed).toEqual([])
  })
})
