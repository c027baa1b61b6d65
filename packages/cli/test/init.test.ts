import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compileCatalog, loadProject } from '@steward/engine'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import packageJson from '../package.json' with { type: 'json' }
import { projectDependencies } from '../src/init/project-dependencies.ts'
import {
  lines,
  runSteward,
  type StewardResult,
  startStewardOnTerminal,
  terminalAvailable,
} from './support/steward-process.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

let scratch = ''
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'steward-init-'))
})
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

describe('projectDependencies', () => {
  it('depends on the registry at ^version without a folder of tarballs', () => {
    expect(projectDependencies('1.2.3')).toEqual({
      dependencies: { steward: '^1.2.3', '@steward/pipelines': '^1.2.3' },
    })
  })

  it('with --from, points the CLI and the SDK at their tarballs and overrides every other @steward one', async () => {
    const packs = join(scratch, 'packs')
    await mkdir(packs)
    for (const file of [
      'steward-1.2.3.tgz',
      'steward-pipelines-1.2.3.tgz',
      'steward-engine-1.2.3.tgz',
      'steward-kernel-1.2.3.tgz',
      'steward-engine-1.2.2.tgz', // another version: not this CLI's
      'left-pad-1.2.3.tgz',
    ]) {
      await writeFile(join(packs, file), '')
    }
    expect(projectDependencies('1.2.3', packs)).toEqual({
      dependencies: {
        steward: `file:${join(packs, 'steward-1.2.3.tgz')}`,
        '@steward/pipelines': `file:${join(packs, 'steward-pipelines-1.2.3.tgz')}`,
      },
      overrides: {
        '@steward/engine': `file:${join(packs, 'steward-engine-1.2.3.tgz')}`,
        '@steward/kernel': `file:${join(packs, 'steward-kernel-1.2.3.tgz')}`,
      },
    })
    expect(() => projectDependencies('1.2.4', packs)).toThrow(
      `--from ${packs}: ${packs} has no steward-1.2.4.tgz or steward-pipelines-1.2.4.tgz (this steward is 1.2.4; npm run pack writes them)`,
    )
  })
})

describe('steward init', () => {
  let project = ''
  beforeAll(async () => {
    project = join(scratch, 'Team Signups')
    const result = await runSteward(['init', project, '--yes'], {})
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`init: wrote 9 files in ${project}`)
    // The project resolves @steward/pipelines (and vitest) from this checkout, as npm install would from the tarballs.
    await symlink(join(repoRoot, 'node_modules'), join(project, 'node_modules'), 'dir')
  })

  it('makes a project whose package.json runs steward and vitest, depending on this version', async () => {
    const pkg = JSON.parse(await readFile(join(project, 'package.json'), 'utf8'))
    expect(pkg).toMatchObject({
      name: 'team-signups',
      type: 'module',
      scripts: { dev: 'steward dev', test: 'vitest run', validate: 'steward validate' },
      dependencies: { steward: `^${packageJson.version}`, '@steward/pipelines': `^${packageJson.version}` },
      devDependencies: { vitest: expect.any(String) },
    })
    expect(await readFile(join(project, '.gitignore'), 'utf8')).toMatch(/^\.steward\/$/m)
    expect(await readFile(join(project, 'README.md'), 'utf8')).toContain('npx steward dev')
  })

  it('whose definitions pass steward validate (found from a subfolder) and the engine loader', async () => {
    const validated = await runSteward(['validate'], {}, { cwd: join(project, 'test') })
    expect(validated.stderr).toBe('')
    expect(validated.stdout).toMatch(/^valid: 1 products, 1 pipelines, 2 steps in 2 files/m)

    const loaded = await loadProject(join(project, 'steward.config.ts'))
    const catalog = compileCatalog(loaded)
    expect(catalog.products).toEqual([
      expect.objectContaining({ id: 'team-signups', owners: [{ team: 'data-team', slack: '#data-team' }] }),
    ])
    expect(loaded.products[0]?.docsMarkdown).toMatch(/^# Team signups/)
    const [pipeline] = loaded.pipelines
    expect(pipeline?.definition.id).toBe('team-signups.daily')
    expect(pipeline?.definition.schedule).toEqual({ cron: '0 6 * * *', timezone: 'UTC' })
    expect(pipeline?.definition.alerts.map((rule) => rule.kind)).toEqual(['on-failure', 'freshness'])
    expect(loaded.products[0]?.definition.freshness).toEqual({ maxAge: '26h' })
  })

  it('whose step test passes under vitest, and which type-checks', () => {
    const tested = spawnSync(process.execPath, [join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, CI: '1', NO_COLOR: '1' },
    })
    expect(tested.stdout + tested.stderr).toMatch(/Tests\s+2 passed \(2\)/)
    expect(tested.status).toBe(0)
    const typed = spawnSync(
      process.execPath,
      [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', project],
      {
        encoding: 'utf8',
      },
    )
    expect(typed.stdout).toBe('')
    expect(typed.status).toBe(0)
  })

  it('refuses a folder that has any of its files, naming each, and writes nothing', async () => {
    const again = await runSteward(['init', project, '--yes'], {})
    expect(again.code).toBe(1)
    expect(lines(again.stderr)).toEqual([
      expect.stringMatching(
        /^steward: .* already has package\.json, tsconfig\.json, steward\.config\.ts, products\/team-signups\.ts, .*README\.md: nothing was written/,
      ),
    ])

    const partly = join(scratch, 'partly')
    await mkdir(partly)
    await writeFile(join(partly, 'README.md'), 'ours')
    await writeFile(join(partly, '.gitignore'), 'ours too')
    const refused = await runSteward(['init', partly, '--yes'], {})
    expect(refused.code).toBe(1)
    expect(lines(refused.stderr)).toEqual([
      `steward: ${partly} already has .gitignore, README.md: nothing was written (init never overwrites; move them or pick another folder)`,
    ])
    expect((await readdir(partly)).sort()).toEqual(['.gitignore', 'README.md'])
    expect(await readFile(join(partly, 'README.md'), 'utf8')).toBe('ours')
  })

  it('with --from a folder lacking the tarballs, fails in one line and makes no folder', async () => {
    const target = join(scratch, 'never')
    const result = await runSteward(['init', target, '--yes', '--from', scratch], {})
    expect(result.code).toBe(1)
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^steward: --from .* has no steward-.*\.tgz or steward-pipelines-.*\.tgz/),
    ])
    expect(existsSync(target)).toBe(false)
  })
})

// Questions are asked only when stdin and stdout are a terminal: a pseudo-terminal stands in for one.
describe.skipIf(!terminalAvailable)('steward init on a terminal', () => {
  /** `steward init <project>` on a terminal: checks each question's default, types each answer. */
  async function initAnswering(
    project: string,
    productName: { shown: string; typed: string },
    owner: { shown: string; typed: string },
  ): Promise<StewardResult> {
    const steward = startStewardOnTerminal(['init', project], {})
    try {
      await steward.waitForOutput(`Product name (${productName.shown}): `)
      steward.type(productName.typed)
      await steward.waitForOutput(`Owning team, alerts go to #<team> in Slack (${owner.shown}): `)
      steward.type(owner.typed)
      return await steward.result
    } finally {
      await steward.kill()
    }
  }

  it('asks for the product and its owner, and writes the answers into the project', async () => {
    const project = join(scratch, 'asked')
    const result = await initAnswering(
      project,
      { shown: 'Asked', typed: "Mia's Churn Watch" },
      { shown: 'data-team', typed: 'Growth Analytics' },
    )
    expect(result.stdout).toContain(`init: wrote 9 files in ${project}`)
    expect(result.stdout).toContain('npm test               # the steps of mia-s-churn-watch.daily')
    expect(result.code).toBe(0)

    // The quote in the name survives into source that loads.
    await symlink(join(repoRoot, 'node_modules'), join(project, 'node_modules'), 'dir')
    const loaded = await loadProject(join(project, 'steward.config.ts'))
    expect(compileCatalog(loaded).products).toEqual([
      expect.objectContaining({
        id: 'mia-s-churn-watch',
        name: "Mia's Churn Watch",
        owners: [{ team: 'growth-analytics', slack: '#growth-analytics' }],
      }),
    ])
    expect(loaded.pipelines.map((pipeline) => pipeline.definition.id)).toEqual(['mia-s-churn-watch.daily'])
    expect(loaded.products[0]?.docsMarkdown).toMatch(/^# Mia's Churn Watch\n/)
    expect(loaded.products[0]?.docsMarkdown).toContain('growth-analytics (Slack #growth-analytics) hears')
    expect(await readFile(join(project, 'README.md'), 'utf8')).toMatch(/^# Mia's Churn Watch\n/)
    expect(existsSync(join(project, 'test/mia-s-churn-watch-daily.test.ts'))).toBe(true)
  })

  it('refuses files named after the answers, writing nothing', async () => {
    const project = join(scratch, 'churn')
    // The folder alone would make products/churn.ts: only the answer makes this file the product's.
    await mkdir(join(project, 'products'), { recursive: true })
    await writeFile(join(project, 'products', 'churn-risk.ts'), 'ours')
    const result = await initAnswering(
      project,
      { shown: 'Churn', typed: 'Churn Risk' },
      { shown: 'data-team', typed: '' },
    )
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(
      `steward: ${project} already has products/churn-risk.ts: nothing was written (init never overwrites; move them or pick another folder)`,
    )
    expect(result.stdout).not.toContain('init: wrote')
    expect(await readdir(project)).toEqual(['products'])
    expect(await readdir(join(project, 'products'))).toEqual(['churn-risk.ts'])
    expect(await readFile(join(project, 'products', 'churn-risk.ts'), 'utf8')).toBe('ours')
  })

  it('refuses a folder that has a file every answer would write before asking anything', async () => {
    const project = join(scratch, 'already')
    await mkdir(project, { recursive: true })
    await writeFile(join(project, 'package.json'), '{}')
    await writeFile(join(project, 'README.md'), 'ours')
    const steward = startStewardOnTerminal(['init', project], {})
    try {
      const result = await steward.result
      expect(result.code).toBe(1)
      expect(result.stdout).toContain(
        `steward: ${project} already has package.json, README.md: nothing was written`,
      )
      expect(result.stdout).not.toContain('Product name')
      expect((await readdir(project)).sort()).toEqual(['README.md', 'package.json'])
    } finally {
      await steward.kill()
    }
  })
})
