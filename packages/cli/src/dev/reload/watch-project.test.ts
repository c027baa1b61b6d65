import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isIgnoredPath, type ProjectWatcher, watchProject } from './watch-project.ts'

describe('isIgnoredPath', () => {
  it('ignores dependencies, Steward state, git, build output and editor scratch files', () => {
    for (const path of [
      'node_modules/zod/index.js',
      'packages/x/node_modules/a.js',
      '.steward/db/x',
      '.git/index',
      'dist/defs.js',
      'pipelines/.#a.ts',
      'pipelines/a.ts~',
      'pipelines/.a.ts.swp',
      'data/out.parquet',
      'data/rows.csv',
    ]) {
      expect(isIgnoredPath(path), path).toBe(true)
    }
    for (const path of [
      'defs.ts',
      'pipelines/a.ts',
      'docs/product.md',
      'distribution/a.ts',
      'lib\\b.ts',
      'queries/rows.sql',
      'lib',
    ]) {
      expect(isIgnoredPath(path), path).toBe(false)
    }
  })
})

describe('watchProject', () => {
  let root: string
  let watcher: ProjectWatcher | undefined
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'steward-watch-'))
    await mkdir(join(root, 'pipelines', 'deep'), { recursive: true })
    await mkdir(join(root, 'node_modules', 'pkg'), { recursive: true })
  })
  afterEach(async () => {
    watcher?.close()
    await rm(root, { recursive: true, force: true })
  })

  /** Collects what the watcher reports until `count` bursts came or `ms` passed. */
  async function bursts(act: () => Promise<void>, count: number, ms = 3000): Promise<string[][]> {
    const seen: string[][] = []
    watcher = await watchProject(root, (paths) => seen.push([...paths].sort()), { debounceMs: 50 })
    await act()
    const deadline = Date.now() + ms
    while (seen.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    // A little longer: a burst reported twice would show here.
    await new Promise((resolve) => setTimeout(resolve, 200))
    return seen
  }

  it('reports the files of one save at once, in nested folders, and not those in ignored folders', async () => {
    const seen = await bursts(async () => {
      await writeFile(join(root, 'node_modules', 'pkg', 'index.js'), 'x')
      await writeFile(join(root, 'defs.ts'), 'export {}')
      await writeFile(join(root, 'pipelines', 'deep', 'a.ts'), 'export {}')
    }, 1)
    expect(seen).toEqual([['defs.ts', 'pipelines/deep/a.ts']])
  })

  it('watches a folder made after it started', async () => {
    const seen = await bursts(async () => {
      await mkdir(join(root, 'lib'))
      await new Promise((resolve) => setTimeout(resolve, 300))
      await writeFile(join(root, 'lib', 'b.ts'), 'export {}')
    }, 2)
    expect(seen.flat()).toContain('lib/b.ts')
  })
})
