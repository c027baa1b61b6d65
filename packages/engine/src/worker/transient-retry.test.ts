import { describe, expect, it } from 'vitest'
import { withTransientRetry } from './transient-retry.ts'

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code })

describe('withTransientRetry', () => {
  it('tries again after a deadlock or serialization failure, then answers', async () => {
    const failures = [pgError('40P01'), pgError('40001')]
    let calls = 0
    const result = await withTransientRetry(async () => {
      calls++
      const failure = failures.shift()
      if (failure) throw failure
      return 'done'
    })
    expect(result).toBe('done')
    expect(calls).toBe(3)
  })

  it('gives up after its tries, and never retries other errors', async () => {
    let calls = 0
    await expect(
      withTransientRetry(async () => {
        calls++
        throw pgError('40P01')
      }, 3),
    ).rejects.toThrow('pg 40P01')
    expect(calls).toBe(3)

    calls = 0
    await expect(
      withTransientRetry(async () => {
        calls++
        throw pgError('23505')
      }),
    ).rejects.toThrow('pg 23505')
    expect(calls).toBe(1)
  })
})
