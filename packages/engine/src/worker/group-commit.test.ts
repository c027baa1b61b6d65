import { describe, expect, it } from 'vitest'
import { GroupCommit, groupOrEach } from './group-commit.ts'

describe('groupOrEach', () => {
  it('answers each item from one call of the work on the whole group', async () => {
    const calls: number[][] = []
    const answers = await groupOrEach([1, 2, 3], async (items) => {
      calls.push(items)
      return items.map((n) => n * 10)
    })
    expect(calls).toEqual([[1, 2, 3]])
    expect(answers).toEqual([10, 20, 30].map((value) => ({ ok: true, value })))
  })

  it('runs the work on each item alone when the group fails, so a bad item fails only itself', async () => {
    const calls: number[][] = []
    const answers = await groupOrEach([1, 2, 3], async (items) => {
      calls.push(items)
      if (items.includes(2)) throw new Error('bad item 2')
      return items.map((n) => n * 10)
    })
    expect(calls).toEqual([[1, 2, 3], [1], [2], [3]])
    expect(answers).toEqual([
      { ok: true, value: 10 },
      { ok: false, error: new Error('bad item 2') },
      { ok: true, value: 30 },
    ])
  })

  it('fails an item alone that gets no answer of its own', async () => {
    const answers = await groupOrEach([1, 2], async (items) => {
      if (items.length > 1) throw new Error('group failed')
      return []
    })
    expect(answers.map((answer) => answer.ok)).toEqual([false, false])
  })
})

describe('GroupCommit', () => {
  it('starts a lone item at once and groups the items that arrive while a call is busy', async () => {
    const groups: number[][] = []
    const commit = new GroupCommit<number, number>(
      async (items) => {
        groups.push(items)
        await new Promise((resolve) => setTimeout(resolve, 10))
        return items.map((n) => ({ ok: true, value: n + 1 }))
      },
      { maxGroup: 10, maxInFlight: 1 },
    )
    const answers = await Promise.all([1, 2, 3].map((n) => commit.submit(n)))
    expect(answers).toEqual([2, 3, 4])
    expect(groups).toEqual([[1], [2, 3]])
  })
})
