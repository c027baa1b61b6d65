import { describe, expect, it } from 'vitest'
import { lines, runSteward } from './support/steward-process.ts'

describe('steward --help', () => {
  it('lists every command', async () => {
    const result = await runSteward(['--help'], {})
    expect(result.code).toBe(0)
    for (const command of ['dev', 'worker', 'validate', 'deploy', 'run', 'list', 'migrate', 'prune']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'))
    }
  })

  it('describes run, with its repeatable --param and --wait', async () => {
    const result = await runSteward(['run', '--help'], {})
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('--param <key=value>')
    expect(result.stdout).toContain('--wait')
  })

  it('answers an unknown command with one line', async () => {
    const result = await runSteward(['deplyo'], {})
    expect(result.code).not.toBe(0)
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^steward: unknown command 'deplyo'/)])
  })
})
