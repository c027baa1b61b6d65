import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StepContext } from '@steward/pipelines'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadProject } from './load-project.ts'

// The repository's node_modules, so a project outside it finds @steward/pipelines as a user's would.
const nodeModules = join(import.meta.dirname, '..', '..', '..', '..', 'node_modules')

const files = {
  'package.json': '{ "type": "module" }',
  'steward.config.ts': `import { defineConfig } from '@steward/pipelines'
export default defineConfig({ definitions: ['defs.ts'] })
`,
  'defs.ts': `import { definePipeline, defineProduct } from '@steward/pipelines'
import { answer } from './lib/answer.ts'
export const product = defineProduct({ id: 'reload', name: 'Reload', owners: [{ slack: '#data' }] })
export const pipeline = definePipeline({
  id: 'reload.answer',
  product,
  steps: (s) => s.step('answer', { run: async () => ({ answer }) }),
})
`,
  'lib/answer.ts': 'export const answer = 1\n',
}

describe('loadProject, called again after files changed', () => {
  let root: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'steward-reload-'))
    await symlink(nodeModules, join(root, 'node_modules'))
    await mkdir(join(root, 'lib'))
    for (const [name, text] of Object.entries(files)) await writeFile(join(root, name), text)
  })
  afterEach(async () => {
    await rm(root, { recursive: true, force: true })
  })

  const answerOf = async (project: Awaited<ReturnType<typeof loadProject>>) =>
    project.pipelines[0]?.definition.steps.answer?.run({} as StepContext, {})

  it('re-evaluates the changed files and what imports them, and keeps the earlier load as it was', async () => {
    const first = await loadProject(join(root, 'steward.config.ts'))
    await writeFile(join(root, 'lib', 'answer.ts'), 'export const answer = 2\n')
    const second = await loadProject(join(root, 'steward.config.ts'))
    await expect(answerOf(first)).resolves.toEqual({ answer: 1 })
    await expect(answerOf(second)).resolves.toEqual({ answer: 2 })
    // One module graph per load: the pipeline's product is the exported one.
    expect(second.pipelines[0]?.definition.product).toBe(second.products[0]?.definition)
    expect(second.products[0]?.definition).not.toBe(first.products[0]?.definition)
  })

  // Lines come from tsx's source maps; the process test of steward dev checks a line past the first.
  it('names the file and line of a syntax error or a throw in an imported file', async () => {
    await writeFile(join(root, 'lib', 'answer.ts'), 'export const answer = 1\nexport const oops = ;\n')
    await expect(loadProject(join(root, 'steward.config.ts'))).rejects.toMatchObject({
      problems: [
        {
          file: 'lib/answer.ts',
          line: 2,
          message: expect.stringMatching(/^failed to import \(imported by defs\.ts\): .*Unexpected ";"/),
        },
      ],
    })
    await writeFile(join(root, 'lib', 'answer.ts'), 'throw new Error("no answer")\nexport const answer = 1\n')
    await expect(loadProject(join(root, 'steward.config.ts'))).rejects.toMatchObject({
      message: 'lib/answer.ts:1: failed to import (imported by defs.ts): no answer',
    })
  })
})
