import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { assertPortFree } from '../src/net/port-free.ts'
import { freePort, stewardEnv, tempHome } from './support/steward-process.ts'

const repoRoot = resolve(import.meta.dirname, '../../..')

/** Every process on this machine whose environment carries `mark`: what this test started. */
async function processesMarked(mark: string): Promise<{ pid: number; command: string }[]> {
  const found: { pid: number; command: string }[] = []
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === process.pid) continue
    const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '')
    if (!environ.split('\0').includes(`STEWARD_TEST_MARK=${mark}`)) continue
    const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ')
    found.push({ pid, command: command.trim() })
  }
  return found
}

// `npm start` as a supervisor stops it: SIGTERM to the whole process group npm leads. Whatever
// Steward started (the web server in its own group, the embedded database, workers) must be gone
// within 10 s, and the port free for the next start.
describe('npm start under a supervisor', () => {
  let dispose: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dispose?.()
  })

  it('leaves nothing running 10 s after SIGTERM to its process group', { timeout: 300_000 }, async () => {
    const home = await tempHome()
    const mark = randomUUID()
    const port = await freePort()
    const npm = spawn('npm', ['start', '--', '--no-first-runs'], {
      cwd: repoRoot,
      detached: true,
      env: stewardEnv({ STEWARD_HOME: home.path, PORT: String(port), STEWARD_TEST_MARK: mark }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    npm.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
    })
    npm.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
    })
    const exited = new Promise<string>((done) =>
      npm.once('exit', (code, signal) => done(signal ?? `code ${code}`)),
    )
    dispose = async () => {
      for (const { pid } of await processesMarked(mark)) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {}
      }
      await home.dispose()
    }

    const deadline = Date.now() + 240_000
    while (!output.includes('Steward is running')) {
      if (Date.now() > deadline || npm.exitCode !== null)
        throw new Error(`npm start did not come up:\n${output}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    // The first page answers at once: a production server, nothing to compile.
    const started = Date.now()
    const page = await fetch(`http://127.0.0.1:${port}/`)
    expect(page.status).toBe(200)
    await page.body?.cancel()
    expect(Date.now() - started).toBeLessThan(30_000)
    const before = await processesMarked(mark)
    // The web server (`next-server`, as Next names its process) runs in a process group of its own.
    expect(before.map((p) => p.command).join('\n')).toMatch(/next-server|next start/)

    process.kill(-(npm.pid as number), 'SIGTERM')
    const stopBy = Date.now() + 10_000
    let left = await processesMarked(mark)
    while (left.length > 0 && Date.now() < stopBy) {
      await new Promise((r) => setTimeout(r, 200))
      left = await processesMarked(mark)
    }
    expect(left, `still running 10 s after SIGTERM:\n${output}`).toEqual([])
    // npm itself dies of the signal (it does not wait for its script): what matters is what it ran.
    expect(await exited).toMatch(/SIGTERM|code \d+/)
    expect(output).toContain('steward: stopped')
    expect(output).not.toContain('stopping at once')
    await expect(assertPortFree(port)).resolves.toBeUndefined()
  })
})
