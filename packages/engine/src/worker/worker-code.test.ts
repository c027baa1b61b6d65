import { definePipeline, defineProduct, type StepContext } from '@steward/pipelines'
import { describe, expect, it } from 'vitest'
import { stepCodeHash } from '../deploy/compile-catalog.ts'
import { WorkerCode } from './worker-code.ts'

const product = defineProduct({ id: 'code', name: 'Code', owners: [{ slack: '#data' }] })

/** A load of a two-step pipeline whose `answer` step returns `value` (a new function each time). */
function load(value: number) {
  const pipeline = definePipeline({
    id: 'code.answer',
    product,
    steps: (s) =>
      s.step('slow', { run: async () => ({ slow: true }) }).step('answer', {
        needs: ['slow'],
        // A distinct source per value, as an edit makes.
        run: new Function(`return async () => ({ answer: ${value} })`)(),
      }),
  })
  return { pipelines: [{ definition: pipeline, file: 'defs.ts' }] }
}

const hashOf = (project: ReturnType<typeof load>, step: 'slow' | 'answer') => {
  const found = project.pipelines[0]?.definition.steps[step]
  if (!found) throw new Error(`no step ${step}`)
  return stepCodeHash(found)
}

async function answer(code: WorkerCode, hash: string | undefined) {
  return code.forStep('code.answer', 'answer', hash)?.steps.answer?.run({} as StepContext, {})
}

describe('WorkerCode', () => {
  it('runs a step with the load its version was deployed from, and new runs with the current one', async () => {
    const v1 = load(1)
    const v2 = load(2)
    const code = new WorkerCode(v1)
    code.install(v2)
    await expect(answer(code, hashOf(v1, 'answer'))).resolves.toEqual({ answer: 1 })
    await expect(answer(code, hashOf(v2, 'answer'))).resolves.toEqual({ answer: 2 })
    // A hash no load has (deployed from elsewhere), or no spec at all: the current load.
    await expect(answer(code, 'unknown')).resolves.toEqual({ answer: 2 })
    await expect(answer(code, undefined)).resolves.toEqual({ answer: 2 })
    expect(code.currentPipeline('code.answer')).toBe(v2.pipelines[0]?.definition)
  })

  it('keeps an older load while a run in flight needs one of its steps, and drops it after', async () => {
    const v1 = load(1)
    const v2 = load(2)
    const v3 = load(3)
    const code = new WorkerCode(v1)
    code.install(v2)
    code.install(v3)
    // A v1 run in flight: v1 is kept; v2 is needed by no run and dropped.
    const v1Hashes = new Set([hashOf(v1, 'slow'), hashOf(v1, 'answer')])
    expect(code.prune(new Map([['code.answer', v1Hashes]]))).toBe(1)
    await expect(answer(code, hashOf(v1, 'answer'))).resolves.toEqual({ answer: 1 })
    await expect(answer(code, hashOf(v2, 'answer'))).resolves.toEqual({ answer: 3 })
    expect(code.holdsOlder).toBe(true)

    // The v1 run ended: nothing older is needed (the `slow` step's hash is the current one's too).
    expect(code.prune(new Map([['code.answer', new Set([hashOf(v3, 'slow')])]]))).toBe(1)
    expect(code.holdsOlder).toBe(false)
    await expect(answer(code, hashOf(v1, 'answer'))).resolves.toEqual({ answer: 3 })
  })

  it('has no current code for a pipeline gone from the new load, but keeps it for its runs in flight', async () => {
    const v1 = load(1)
    const code = new WorkerCode(v1)
    code.install({ pipelines: [] })
    expect(code.currentPipeline('code.answer')).toBeUndefined()
    await expect(answer(code, hashOf(v1, 'answer'))).resolves.toEqual({ answer: 1 })
    code.prune(new Map())
    expect(code.forStep('code.answer', 'answer', hashOf(v1, 'answer'))).toBeUndefined()
  })
})
