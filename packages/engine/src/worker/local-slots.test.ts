import { describe, expect, it } from 'vitest'
import { LocalSlots } from './local-slots.ts'

/** Runs one step of `stepId` (pipeline `p`) that took `ms` through the slots. */
async function ran(slots: LocalSlots, stepId: string, ms: number): Promise<void> {
  await slots.acquire()
  slots.release(ms, 'p', stepId)
}

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
    slots.release(5, 'p', 'a')
    await first
    expect(started).toEqual(['first'])
    slots.release(5, 'p', 'a')
    await second
    expect(started).toEqual(['first', 'second'])
  })

  it('claims into free slots only, until it knows a kind of step to be short', async () => {
    const slots = new LocalSlots(4)
    expect(slots.budget()).toMatchObject({ free: 4 })
    expect(slots.budget().short.stepIds).toEqual([])
    await slots.acquire()
    expect(slots.budget()).toMatchObject({ free: 3 })
    slots.release(60_000, 'p', 'long')
    expect(slots.budget().short.has('p', 'long')).toBe(false)
  })

  it('claims short kinds of step ahead of its free slots, ten per slot, and waiting steps count', async () => {
    const slots = new LocalSlots(2)
    await ran(slots, 'short', 1)
    await ran(slots, 'long', 500)
    const budget = slots.budget()
    expect([budget.free, budget.ahead]).toEqual([2, 20])
    expect([budget.short.pipelineIds, budget.short.stepIds]).toEqual([['p'], ['short']])
    expect(budget.short.has('p', 'short')).toBe(true)
    expect(budget.short.has('p', 'long')).toBe(false)
    expect(budget.short.has('other', 'short')).toBe(false)
    // Two running, three claimed and waiting for a slot: no slot free, 17 more ahead.
    await slots.acquire()
    await slots.acquire()
    for (let i = 0; i < 3; i++) void slots.acquire()
    expect([slots.budget().free, slots.budget().ahead]).toEqual([0, 17])
  })

  it('stops claiming a kind ahead as soon as one of its steps took long, and learns it again slowly', async () => {
    const slots = new LocalSlots(1)
    await ran(slots, 's', 1)
    expect(slots.budget().short.has('p', 's')).toBe(true)
    await ran(slots, 's', 100)
    expect(slots.budget().short.has('p', 's')).toBe(false)
    let runs = 0
    while (!slots.budget().short.has('p', 's')) {
      await ran(slots, 's', 1)
      runs += 1
    }
    // 100 ms falls below 5 ms by a tenth of the gap per short step: about 29 of them.
    expect(runs).toBeGreaterThan(20)
    expect(runs).toBeLessThan(40)
  })

  it('claims nothing once closing, but still serves the steps it already has', async () => {
    const slots = new LocalSlots(1)
    await ran(slots, 's', 1)
    slots.close()
    expect([slots.budget().free, slots.budget().ahead]).toEqual([0, 0])
    await ran(slots, 's', 1)
    expect([slots.budget().free, slots.budget().ahead]).toEqual([0, 0])
  })
})
