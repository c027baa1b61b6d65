import { describe, expect, it } from 'vitest'
import { LocalSlots } from './local-slots.ts'

describe('LocalSlots', () => {
  it('hands slots out up to concurrency, then to waiting steps in claim order as slots come back', async () => {
    const slots = new LocalSlots(2)
    await slots.acquire()
    await slots.acquire()
    const started: string[] = []
    const first = slots.acquire().then(() => started.push('first'))
    const second = slots.acquire().then(() => started.push('second'))
    await Promise.resolve()
    expect(started).toEqual([])
    slots.release(5)
    await first
    expect(started).toEqual(['first'])
    slots.release(5)
    await second
    expect(started).toEqual(['first', 'second'])
  })

  it('claims only into free slots until it knows how long steps take, and while they take long', async () => {
    const slots = new LocalSlots(4)
    expect(slots.claimable).toBe(4)
    await slots.acquire()
    expect(slots.claimable).toBe(3)
    slots.release(60_000)
    expect(slots.claimable).toBe(4)
  })

  it('claims ahead of its free slots what it expects to start within 50 ms when steps are short', async () => {
    const slots = new LocalSlots(4)
    await slots.acquire()
    slots.release(10) // 4 slots × 50 ms / 10 ms = 20 ahead
    expect(slots.claimable).toBe(4 + 20)
    for (let i = 0; i < 100; i++) {
      await slots.acquire()
      slots.release(0)
    }
    expect(slots.claimable).toBe(4 + 80) // however short: at most 20 per slot ahead
  })

  it('claims nothing once closing, but still serves the steps it already has', async () => {
    const slots = new LocalSlots(1)
    slots.close()
    expect(slots.claimable).toBe(0)
    await slots.acquire()
    slots.release(1)
    expect(slots.claimable).toBe(0)
  })
})
