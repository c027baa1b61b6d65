import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lines, runSteward, stackLine } from './support/steward-process.ts'

const fixtures = fileURLToPath(new URL('../../pipelines/src/loader/fixtures/', import.meta.url))
const basic = join(fixtures, 'basic', 'steward.config.ts')
const broken = join(fixtures, 'broken', 'steward.config.ts')

describe('steward validate', () => {
  it('accepts a valid project and counts what it found', async () => {
    const result = await runSteward(['validate', '--config', basic], {})
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^valid: 2 products, 2 pipelines, 4 steps in 3 files/m)
  })

  it('lists every problem, one line each naming file, definition and field', async () => {
    const result = await runSteward(['validate', '--config', broken], {})
    expect(result.code).toBe(1)
    const [first, ...problems] = lines(result.stderr)
    expect(first).toMatch(/^steward: \d+ problems in the definitions:$/)
    expect(problems.length).toBe(Number(first?.match(/(\d+) problems/)?.[1]))
    expect(problems).toContain(
      '  pipelines.defs.ts › pipeline signup-funnel.build › steps: the steps form a cycle: extract → funnel → extract',
    )
    expect(
      problems.some((l) => l.includes('› schedule.timezone: "Asia/Seol" is not an IANA time zone')),
    ).toBe(true)
    expect(result.stderr).not.toMatch(stackLine)
  })

  it('names a missing config file in one line', async () => {
    const result = await runSteward(['validate', '--config', join(fixtures, 'nowhere.config.ts')], {})
    expect(result.code).toBe(1)
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^steward: .*nowhere\.config\.ts does not exist/),
    ])
  })
})

describe('steward deploy and list', () => {
  let home: string
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'steward-cli-deploy-'))
  })
  afterAll(async () => {
    await rm(home, { recursive: true, force: true })
  })

  it('syncs the catalog, then finds nothing to change, and lists what is deployed', async () => {
    const env = { STEWARD_HOME: home }
    const first = await runSteward(['deploy', '--config', basic], env)
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('deploy: products created app-activity-counts, weekly-signup-funnel')
    expect(first.stdout).toContain('deploy: signup-funnel.build is now version 1')

    const again = await runSteward(['deploy', '--config', basic], env)
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('deploy: pipelines 2 unchanged')
    expect(again.stdout).not.toContain('is now version')

    const listed = await runSteward(['list', '--json'], env)
    expect(listed.code).toBe(0)
    const catalog = JSON.parse(listed.stdout) as {
      id: string
      pipelines: { id: string; schedule: string }[]
    }[]
    expect(catalog.map((p) => p.id)).toEqual(['app-activity-counts', 'weekly-signup-funnel'])
    expect(catalog[1]?.pipelines[0]).toMatchObject({
      id: 'signup-funnel.build',
      schedule: '0 6 * * 1 (Asia/Seoul)',
    })
  })

  it('deploys nothing when validation fails', async () => {
    const env = { STEWARD_HOME: home }
    const result = await runSteward(['deploy', '--config', broken], env)
    expect(result.code).toBe(1)
    const listed = await runSteward(['list', '--json'], env)
    const catalog = JSON.parse(listed.stdout) as { id: string }[]
    expect(catalog.map((p) => p.id)).toEqual(['app-activity-counts', 'weekly-signup-funnel'])
  })
})
