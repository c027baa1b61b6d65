import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expandGlobs, globToRegExp } from './expand-globs.ts'

describe('globToRegExp', () => {
  it.each([
    ['*.ts', 'a.ts', true],
    ['*.ts', 'dir/a.ts', false],
    ['**/*.ts', 'a.ts', true],
    ['**/*.ts', 'a/b/c.ts', true],
    ['pipelines/**', 'pipelines/a/b.ts', true],
    ['?.ts', 'ab.ts', false],
    ['*.{ts,mts}', 'a.mts', true],
    ['*.{ts,mts}', 'a.js', false],
    ['a.b.ts', 'aXb.ts', false],
  ])('%s matches %s: %s', (glob, path, matches) => {
    expect(globToRegExp(glob).test(path)).toBe(matches)
  })
})

describe('expandGlobs', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'steward-globs-'))
    for (const file of [
      'steward.config.ts',
      'pipelines/a.ts',
      'pipelines/deep/b.ts',
      'pipelines/types.d.ts',
      'pipelines/node_modules/x.ts',
      'pipelines/.hidden/y.ts',
      'products.ts',
    ]) {
      await mkdir(join(root, file, '..'), { recursive: true })
      await writeFile(join(root, file), '')
    }
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('expands globs and plain files, skipping node_modules, dot folders and .d.ts', async () => {
    const expanded = await expandGlobs(root, [
      'pipelines/**/*.ts',
      './products.ts',
      'missing.ts',
      'none/*.ts',
    ])
    expect(
      expanded.map(({ pattern, files }) => [pattern, files.map((file) => relative(root, file))]),
    ).toEqual([
      ['pipelines/**/*.ts', ['pipelines/a.ts', 'pipelines/deep/b.ts']],
      ['./products.ts', ['products.ts']],
      ['missing.ts', []],
      ['none/*.ts', []],
    ])
  })
})
