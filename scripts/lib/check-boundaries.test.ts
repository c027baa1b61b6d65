import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkBoundaries } from './check-boundaries.mjs'

const repoRoot = join(import.meta.dirname, '..', '..')

const architecture = `# Architecture
\`\`\`boundaries
kernel     packages/kernel     ->
pipelines  packages/pipelines  -> kernel
engine     packages/engine     -> kernel, pipelines; tests: queue
queue      packages/queue      -> kernel
only bullmq queue
\`\`\`
`

let root: string | undefined
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true })
  root = undefined
})

function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'steward-boundaries-'))
  for (const [path, text] of Object.entries({ 'docs/architecture.md': architecture, ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

describe('checkBoundaries', () => {
  it('passes on this repository', () => {
    expect(checkBoundaries(repoRoot)).toEqual([])
  })

  it('names the file and the rule of each import that breaks one', () => {
    const problems = checkBoundaries(
      tree({
        'packages/kernel/src/index.ts': 'export const kernel = 1\n',
        'packages/pipelines/src/index.ts': "import { startWorker } from '@steward/engine'\n",
        'packages/engine/src/worker.ts':
          "import { Queue } from 'bullmq'\nimport { openQueue } from '@steward/queue'\nimport { x } from '../../pipelines/src/x.ts'\n",
        'packages/engine/src/worker.test.ts': "import { openQueue } from '@steward/queue/testing'\n",
        'packages/queue/src/index.ts':
          "export { Queue } from 'bullmq'\nimport { StewardError } from '@steward/kernel'\n",
      }),
    )
    expect(problems.sort()).toEqual([
      'packages/engine/src/worker.ts: engine may not import @steward/queue (docs/architecture.md, boundaries)',
      'packages/engine/src/worker.ts: only queue may import bullmq (docs/architecture.md, boundaries)',
      "packages/engine/src/worker.ts: the relative import '../../pipelines/src/x.ts' leaves packages/engine: import @steward/pipelines instead",
      'packages/pipelines/src/index.ts: pipelines may not import @steward/engine (docs/architecture.md, boundaries)',
    ])
  })

  it('refuses a page without the rules', () => {
    expect(() => checkBoundaries(tree({ 'docs/architecture.md': '# nothing here' }))).toThrow(
      /boundaries block/,
    )
  })
})
