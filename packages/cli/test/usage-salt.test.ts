import { stat } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { ensureUsageSalt } from '../src/home/ensure-usage-salt.ts'
import { tempHome } from './support/steward-process.ts'

describe('the usage salt of steward dev', () => {
  it('is generated once under STEWARD_HOME/secrets, readable by its owner only, and kept', async () => {
    const home = await tempHome()
    try {
      const first = await ensureUsageSalt(home.path)
      expect(first.created).toBe(true)
      expect(first.salt).toMatch(/^[0-9a-f]{64}$/)
      expect(first.file).toBe(`${home.path}/secrets/usage-salt`)
      expect((await stat(first.file)).mode & 0o777).toBe(0o600)
      const again = await ensureUsageSalt(home.path)
      expect(again).toEqual({ ...first, created: false })
    } finally {
      await home.dispose()
    }
  })
})
