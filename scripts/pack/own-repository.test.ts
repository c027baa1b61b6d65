import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packAll } from './pack-all.ts'
import { type Ran, runCommand } from './run-command.ts'

const root = resolve(import.meta.dirname, '../..')
const packs = join(root, 'dist', 'packs')

/** A command in the project, with a team's environment unless given one. */
const run = (
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
) => runCommand(command, args, { env: projectEnv(), timeoutMs: 300_000, ...options })

/** A team's machine: none of this repository's settings or test prefixes leak into the project. */
function projectEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('STEWARD_') || name.startsWith('VITEST') || name === 'NODE_OPTIONS') continue
    if (name === 'DATABASE_URL' || name === 'PORT' || name === 'NODE_ENV') continue
    env[name] = value
  }
  return { ...env, NEXT_TELEMETRY_DISABLED: '1', ...extra }
}

const expectOk = (ran: Ran, what: string) => expect(ran.code, `${what} failed:\n${ran.output}`).toBe(0)

// Issue 17, end to end: the packages are packed, a project is made with `steward init` in a folder
// outside this repository, installed from the tarballs, tested, validated and run with
// `steward dev`; a saved edit to a step is used by the next run without a restart.
describe('Steward in a team’s own repository', () => {
  let work: string
  let project: string
  let dev: ChildProcess | undefined
  let devOutput = ''
  let port: number

  beforeAll(async () => {
    await packAll(root, { log: () => {} })
    work = await mkdtemp(join(tmpdir(), 'steward-own-repo-'))
    project = join(work, 'analytics')
    port = await freePort()
  }, 900_000)

  afterAll(async () => {
    if (dev?.pid && dev.exitCode === null) {
      process.kill(-dev.pid, 'SIGTERM')
      await new Promise((r) => dev?.once('exit', r))
    }
    if (work) await rm(work, { recursive: true, force: true })
  }, 60_000)

  it('packs the SDK and the command with its prebuilt UI', async () => {
    expect(existsSync(join(packs, 'steward-0.1.0.tgz'))).toBe(true)
    expect(existsSync(join(packs, 'steward-pipelines-0.1.0.tgz'))).toBe(true)
  })

  it('makes a project with npx steward init --from, installs it and runs its own test', {
    timeout: 900_000,
  }, async () => {
    const tarball = join(packs, 'steward-0.1.0.tgz')
    const init = await run(
      'npx',
      ['--yes', '--package', tarball, 'steward', 'init', project, '--yes', '--from', packs],
      { cwd: work },
    )
    expectOk(init, 'steward init')
    const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8'))
    expect(manifest.dependencies.steward).toBe(`file:${tarball}`)

    expectOk(
      await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: project, timeoutMs: 600_000 }),
      'npm install',
    )
    expectOk(await run('npm', ['test'], { cwd: project }), 'the project’s own test')
    const validate = await run('npx', ['steward', 'validate'], { cwd: project })
    expectOk(validate, 'steward validate')
  })

  it('runs the project with steward dev on the prebuilt UI and reloads a saved step', {
    timeout: 600_000,
  }, async () => {
    const env = projectEnv({ PORT: String(port), STEWARD_QUEUE_PREFIX: `{steward-own-${process.pid}}` })
    dev = spawn('npx', ['steward', 'dev', '--no-first-runs'], {
      cwd: project,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    dev.stdout?.on('data', (chunk) => {
      devOutput += chunk
    })
    dev.stderr?.on('data', (chunk) => {
      devOutput += chunk
    })
    const deadline = Date.now() + 240_000
    while (!devOutput.includes('Steward is running')) {
      if (Date.now() > deadline || dev.exitCode !== null)
        throw new Error(`steward dev did not start:\n${devOutput}`)
      await new Promise((r) => setTimeout(r, 250))
    }
    expect(devOutput).not.toContain('next dev')
    expect(devOutput).not.toContain('building the UI')
    const page = await fetch(`http://127.0.0.1:${port}/`)
    expect(page.status).toBe(200)
    await page.body?.cancel()

    const pipelineId = await onlyPipelineId(project)
    const first = await runAndRead(pipelineId)
    expect(first.status).toBe('succeeded')

    // The step's source: change what it returns and save.
    const stepFile = await stepSourceFile(project)
    const source = await readFile(stepFile, 'utf8')
    const edited = source.replace(/return \{/, "return { edited: 'after-save',")
    expect(edited).not.toBe(source)
    await writeFile(stepFile, edited)
    await new Promise((r) => setTimeout(r, 2_500))
    const second = await runAndRead(pipelineId)
    expect(second.status).toBe('succeeded')
    expect(JSON.stringify(second.outputs)).toContain('after-save')
    expect(JSON.stringify(first.outputs)).not.toContain('after-save')
  })

  /** `steward run <id> --wait` from the project, then the run as the HTTP API shows it. */
  async function runAndRead(pipelineId: string): Promise<{ status: string; outputs: unknown[] }> {
    const ran = await run('npx', ['steward', 'run', pipelineId, '--wait'], {
      cwd: project,
      env: projectEnv({ STEWARD_QUEUE_PREFIX: `{steward-own-${process.pid}}` }),
    })
    expectOk(ran, `steward run ${pipelineId} --wait`)
    const runId = /run ([0-9a-f-]{36})/.exec(ran.output)?.[1]
    expect(runId, ran.output).toBeDefined()
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/runs/${runId}`)
    const body = (await response.json()) as { status: string; steps: { output: unknown }[] }
    return { status: body.status, outputs: body.steps.map((step) => step.output) }
  }
})

/** The id of the one pipeline `steward init` made, read off its definition. */
async function onlyPipelineId(project: string): Promise<string> {
  const source = await readFile(await stepSourceFile(project), 'utf8')
  const id = /definePipeline\(\{\s*id: '([^']+)'/.exec(source)?.[1]
  if (!id) throw new Error(`no pipeline id in ${await stepSourceFile(project)}`)
  return id
}

/** The file of init's pipeline whose steps return objects. */
async function stepSourceFile(project: string): Promise<string> {
  const { readdir } = await import('node:fs/promises')
  for (const entry of await readdir(join(project, 'pipelines'), { recursive: true })) {
    const file = join(project, 'pipelines', String(entry))
    if (
      file.endsWith('.ts') &&
      !file.endsWith('.test.ts') &&
      (await readFile(file, 'utf8')).includes('return {')
    )
      return file
  }
  throw new Error(`no step returning an object under ${project}/pipelines`)
}
