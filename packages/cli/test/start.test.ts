import { fileURLToPath } from 'node:url'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  clearTestQueue,
  lines,
  runSteward,
  stackLine,
  startSteward,
  tempHome,
} from './support/steward-process.ts'

const config = fileURLToPath(new URL('./fixtures/partitioned/steward.config.ts', import.meta.url))
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const salt = 'a-production-salt-of-enough-length'

/** One line on stderr, `steward: …`, containing `text`; no stack; a failing exit; nothing started. */
function expectOneLine(result: { code: number | null; stdout: string; stderr: string }, text: string) {
  expect(result.code).not.toBe(0)
  expect(result.code).not.toBeNull()
  const errorLines = lines(result.stderr)
  expect(errorLines).toHaveLength(1)
  expect(errorLines[0]).toMatch(/^steward: /)
  expect(errorLines[0]).toContain(text)
  expect(result.stderr).not.toMatch(stackLine)
  // Nothing started: no database, queue or role line.
  expect(result.stdout).toBe('')
}

describe('steward start', () => {
  const postgres = testBackends.find((backend) => backend.name === 'postgres')
  let database: TestDatabase
  let home: Awaited<ReturnType<typeof tempHome>>
  let env: Record<string, string>
  beforeAll(async () => {
    if (!postgres) throw new Error('no postgres test backend')
    database = await postgres.open()
    home = await tempHome()
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      STEWARD_HOME: home.path,
      STEWARD_USAGE_SALT: salt,
    }
  })
  afterAll(async () => {
    await database?.dispose()
    await home?.dispose()
    await clearTestQueue(redisUrl)
  })

  it('refuses a database that was never migrated, naming steward migrate', async () => {
    const expected = 'was never migrated: run `steward migrate` first'
    expectOneLine(await runSteward(['list'], env), expected)
    expectOneLine(await runSteward(['start', '--role', 'scheduler'], env), expected)
    expectOneLine(await runSteward(['start', '--role', 'worker', '--config', config], env), expected)
  }, 120_000)

  it.each([
    [
      'an unknown role',
      ['--role', 'worker,cron'],
      {},
      'unknown role "cron" in --role: the roles are web, worker, scheduler, all',
    ],
    ['no usage salt', ['--role', 'scheduler'], { STEWARD_USAGE_SALT: '' }, 'STEWARD_USAGE_SALT is not set'],
    [
      'sign-in without a session secret',
      ['--role', 'scheduler'],
      { STEWARD_OIDC_ISSUER: 'https://login.example.com/', STEWARD_SESSION_SECRET: 'short' },
      'STEWARD_SESSION_SECRET must be at least 32 characters',
    ],
    [
      'a relative STEWARD_PUBLIC_URL',
      ['--role', 'scheduler'],
      { STEWARD_PUBLIC_URL: 'steward.example.com' },
      'STEWARD_PUBLIC_URL must be an absolute http(s) URL',
    ],
    [
      'STEWARD_PUBLIC_URL that is not http(s)',
      ['--role', 'web'],
      { STEWARD_PUBLIC_URL: 'ftp://steward.example.com' },
      'STEWARD_PUBLIC_URL must be an absolute http(s) URL',
    ],
    [
      'a Slack token without STEWARD_PUBLIC_URL',
      ['--role', 'worker', '--config', config],
      { SLACK_BOT_TOKEN: 'xoxb-test' },
      'STEWARD_PUBLIC_URL is not set: with SLACK_BOT_TOKEN',
    ],
    ['no DATABASE_URL', ['--role', 'scheduler'], { DATABASE_URL: '' }, 'DATABASE_URL is not set'],
    [
      'no REDIS_URL on the Redis queue',
      ['--role', 'worker', '--config', config],
      { REDIS_URL: '' },
      'REDIS_URL is not set',
    ],
  ] as const)('%s: one line, non-zero, nothing started', async (_name, args, extra, text) => {
    expectOneLine(await runSteward(['start', ...args], { ...env, ...extra }), text)
  })

  it('runs worker and scheduler roles: a deployed run goes to its end, and SIGTERM stops it cleanly', async () => {
    await migrateToLatest(database.db)
    const deployed = await runSteward(['deploy', '--config', config], env)
    expect(deployed.stderr).toBe('')
    expect(deployed.code).toBe(0)

    const start = startSteward(['start', '--role', 'worker,scheduler', '--config', config], env)
    try {
      await start.waitForOutput('steward: running worker, scheduler')
      expect(start.stdout).toContain('scheduler: reconciler every 5 s, usage folding')

      const run = await runSteward(['run', 'fixture.daily', '--partition', '2026-11-02', '--wait'], env)
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      const runId = run.stdout.match(/^run ([0-9a-f-]{36})/m)?.[1]
      const row = await database.db
        .selectFrom('runs')
        .select('status')
        .where('id', '=', runId ?? '')
        .executeTakeFirstOrThrow()
      expect(row.status).toBe('succeeded')

      // SIGTERM while steps run: they finish and are recorded before the process exits.
      const backfill = startSteward(
        ['backfill', 'fixture.daily', '--from', '2026-10-01', '--to', '2026-10-31', '--concurrency', '8'],
        env,
      )
      try {
        await backfill.waitForOutput('/31 · ✓ ')
        const asked = Date.now()
        start.signal('SIGTERM')
        const result = await start.result
        expect(Date.now() - asked).toBeLessThan(10_000)
        expect(result.code).toBe(0)
        expect(result.stderr).toBe('')
        expect(result.stdout).toContain('steward: SIGTERM, stopping scheduler, worker')
        expect(lines(result.stdout).at(-1)).toBe('steward: stopped')
        const running = await database.db
          .selectFrom('attempts')
          .select('id')
          .where('status', '=', 'running')
          .execute()
        expect(running).toEqual([])
      } finally {
        await backfill.kill()
      }
    } finally {
      await start.kill()
    }
  }, 180_000)
})
