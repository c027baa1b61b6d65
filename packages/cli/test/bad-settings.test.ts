import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freePort, lines, runSteward, stackLine, tempHome } from './support/steward-process.ts'

/** One line on stderr, `steward: …`, naming the setting; no stack; a failing exit code. */
function expectOneLineNaming(result: { code: number | null; stderr: string }, setting: string) {
  expect(result.code).not.toBe(0)
  expect(result.code).not.toBeNull()
  const errorLines = lines(result.stderr)
  expect(errorLines).toHaveLength(1)
  expect(errorLines[0]).toMatch(/^steward: /)
  expect(errorLines[0]).toContain(setting)
  expect(result.stderr).not.toMatch(stackLine)
}

describe('bad settings give one line naming the setting', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => {
    home = await tempHome()
  })
  afterEach(async () => {
    await home.dispose()
  })

  for (const url of ['mysql://x', 'not a url']) {
    it(`DATABASE_URL=${url}`, async () => {
      for (const args of [['migrate'], ['dev', '--no-web']]) {
        const result = await runSteward(args, { STEWARD_HOME: home.path, DATABASE_URL: url })
        expectOneLineNaming(result, 'DATABASE_URL')
      }
      expect(existsSync(join(home.path, 'db'))).toBe(false)
    })
  }

  it('never prints the password of a DATABASE_URL', async () => {
    const port = await freePort()
    const result = await runSteward(['migrate'], {
      STEWARD_HOME: home.path,
      DATABASE_URL: `postgres://steward:hunter2@127.0.0.1:${port}/steward`,
    })
    expectOneLineNaming(result, 'DATABASE_URL')
    expect(result.stderr).not.toContain('hunter2')
  })

  for (const url of ['http://127.0.0.1:6379', 'not a url']) {
    it(`REDIS_URL=${url}`, async () => {
      const result = await runSteward(['dev', '--no-web'], { STEWARD_HOME: home.path, REDIS_URL: url })
      expectOneLineNaming(result, 'REDIS_URL')
    })
  }

  it('a remote REDIS_URL that does not answer', async () => {
    const result = await runSteward(['dev', '--no-web'], {
      STEWARD_HOME: home.path,
      REDIS_URL: 'redis://:s3cret@redis.invalid:6379',
    })
    expectOneLineNaming(result, 'REDIS_URL')
    expect(result.stderr).not.toContain('s3cret')
  })

  it('STEWARD_QUEUE=kafka', async () => {
    const result = await runSteward(['dev', '--no-web'], { STEWARD_HOME: home.path, STEWARD_QUEUE: 'kafka' })
    expectOneLineNaming(result, 'STEWARD_QUEUE')
  })

  for (const port of ['abc', '70000']) {
    it(`PORT=${port}`, async () => {
      const result = await runSteward(['dev'], { STEWARD_HOME: home.path, PORT: port })
      expectOneLineNaming(result, 'PORT')
    })
  }

  it('STEWARD_HOME that is a file', async () => {
    const file = join(home.path, 'not-a-folder')
    await writeFile(file, '')
    for (const args of [['migrate'], ['dev', '--no-web']]) {
      const result = await runSteward(args, { STEWARD_HOME: file })
      expectOneLineNaming(result, 'STEWARD_HOME')
    }
  })

  describe('PORT taken', () => {
    let server: Server
    let port: number
    beforeEach(async () => {
      port = await freePort()
      server = createServer()
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    })
    afterEach(async () => {
      await new Promise((resolve) => server.close(resolve))
    })

    it('fails before anything starts', async () => {
      const result = await runSteward(['dev'], { STEWARD_HOME: home.path, PORT: String(port) })
      expectOneLineNaming(result, 'PORT')
      expect(result.stderr).toContain(`PORT ${port} is already in use`)
      // Checked first: no database was opened, no Redis started.
      expect(existsSync(join(home.path, 'db'))).toBe(false)
      expect(existsSync(join(home.path, 'redis'))).toBe(false)
    })
  })
})
