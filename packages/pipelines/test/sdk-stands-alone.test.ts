import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * What a definition file's `import … from '@steward/pipelines'` loads, in a fresh process: every
 * module resolved through ESM (a resolve hook) and every CommonJS module in the require cache.
 */
function modulesLoadedBy(entries: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'steward-sdk-modules-'))
  const out = join(dir, 'modules.txt')
  try {
    const script = `
      ${entries.map((e) => `await import(${JSON.stringify(e)})`).join('\n')}
      const { createRequire } = await import('node:module')
      const { appendFileSync } = await import('node:fs')
      const cache = createRequire(import.meta.url).cache
      appendFileSync(${JSON.stringify(out)}, Object.keys(cache).join('\\n') + '\\n')
    `
    const recorder = pathToFileURL(join(import.meta.dirname, 'support', 'record-modules.mjs')).href
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--import', recorder, '--input-type=module', '-e', script],
      { cwd: import.meta.dirname, env: { ...process.env, STEWARD_RECORD_MODULES: out }, encoding: 'utf8' },
    )
    if (run.status !== 0) throw new Error(`the import failed:\n${run.stderr}`)
    return readFileSync(out, 'utf8').split('\n').filter(Boolean)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const engineModules =
  /node_modules\/(bullmq|ioredis|pg|pg-[a-z-]+|@electric-sql\/[^/]+|next|react|react-dom|kysely|@slack\/[^/]+)\//
const otherPackages = /packages\/(engine|db|queue|alerts|usage|cli|config)\/|apps\/web\//

describe('the SDK stands alone', () => {
  it('importing @steward/pipelines (and /rules, /testing) loads the kernel, zod and a cron parser, and no engine, queue, database or web', () => {
    const loaded = modulesLoadedBy([
      '@steward/pipelines',
      '@steward/pipelines/rules',
      '@steward/pipelines/testing',
    ])
    // The recorder works: it saw the SDK itself and what it is allowed to load.
    expect(loaded.some((m) => m.includes('packages/pipelines/src/index.ts'))).toBe(true)
    expect(loaded.some((m) => m.includes('packages/pipelines/src/testing/index.ts'))).toBe(true)
    expect(loaded.some((m) => m.includes('packages/kernel/src/index.ts'))).toBe(true)
    expect(loaded.some((m) => m.includes('/node_modules/zod/'))).toBe(true)
    expect(loaded.filter((m) => engineModules.test(m))).toEqual([])
    expect(loaded.filter((m) => otherPackages.test(m))).toEqual([])
  })

  it('the recorder sees an engine when one is loaded (so the test above can fail)', () => {
    const loaded = modulesLoadedBy(['@steward/queue'])
    expect(loaded.some((m) => /node_modules\/bullmq\//.test(m))).toBe(true)
    expect(loaded.some((m) => /node_modules\/ioredis\//.test(m))).toBe(true)
  })
})
