import type { Server } from 'node:net'
import { hostname } from 'node:os'
import { fileURLToPath } from 'node:url'
import { SlackServer } from '@steward/alerts/testing'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createMachines,
  killMachine,
  type Machine,
  namespacesUnavailable,
  relay,
  setLink,
} from './support/network-namespaces.ts'
import {
  clearTestQueue,
  freePort,
  type RunningSteward,
  runSteward,
  startSteward,
  tempHome,
} from './support/steward-process.ts'

const config = fileURLToPath(new URL('./fixtures/many-machines/steward.config.ts', import.meta.url))
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const unavailable = namespacesUnavailable()
if (unavailable) console.log(`many machines: skipped, ${unavailable}`)

const runs = 200
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The web role, the scheduler and two workers, each on its own "machine" (a network namespace with
 * its own link), reaching PostgreSQL, Redis and Slack only over that link. Mid-burst one worker's
 * machine dies (every process SIGKILLed) and the other's link goes down for 30 s. Every run ends
 * exactly once, every notification is sent once, and /api/health names the silent workers while
 * their steps wait and recovers after.
 */
describe.skipIf(unavailable !== undefined)(
  `many machines${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    const postgres = testBackends.find((backend) => backend.name === 'postgres')
    let database: TestDatabase
    let home: Awaited<ReturnType<typeof tempHome>>
    let slack: SlackServer
    let network: ReturnType<typeof createMachines>
    const relays: Server[] = []
    const processes: RunningSteward[] = []

    beforeAll(async () => {
      if (!postgres) throw new Error('no postgres test backend')
      database = await postgres.open()
      await migrateToLatest(database.db)
      home = await tempHome()
      slack = await SlackServer.start()
      network = createMachines(['web', 'sched', 'w1', 'w2'], 200 + (process.pid % 50))
      const slackPort = Number(new URL(slack.apiUrl).port)
      const redisPort = Number(new URL(redisUrl).port || 6379)
      const pgPort = Number(new URL(database.url).port || 5432)
      for (const machine of network.machines) {
        relays.push(await relay(machine.hostAddress, pgPort))
        relays.push(await relay(machine.hostAddress, redisPort))
        relays.push(await relay(machine.hostAddress, slackPort))
      }
    }, 120_000)

    afterAll(async () => {
      for (const running of processes) await running.kill()
      for (const server of relays) server.close()
      network?.remove()
      await slack?.close()
      await clearTestQueue(redisUrl)
      await database?.dispose()
      await home?.dispose()
    })

    /** The settings of a process on `machine`: every address is the host's end of its link. */
    function envOn(machine: Machine, webUrl: string): Record<string, string> {
      const db = new URL(database.url)
      db.hostname = machine.hostAddress
      const redis = new URL(redisUrl)
      redis.hostname = machine.hostAddress
      const slackApi = new URL(slack.apiUrl)
      slackApi.hostname = machine.hostAddress
      return {
        DATABASE_URL: db.toString(),
        REDIS_URL: redis.toString(),
        STEWARD_HOME: home.path,
        STEWARD_USAGE_SALT: 'a-production-salt-of-enough-length',
        STEWARD_PUBLIC_URL: webUrl,
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_API_URL: slackApi.toString(),
      }
    }

    it('runs every run exactly once through a dead worker and a cut link, and health tells the truth', async () => {
      const [web, sched, w1, w2] = network.machines as [Machine, Machine, Machine, Machine]
      const port = await freePort()
      const webUrl = `http://${web.address}:${port}`
      const hostEnv = {
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        STEWARD_HOME: home.path,
        STEWARD_USAGE_SALT: 'a-production-salt-of-enough-length',
      }
      const deployed = await runSteward(['deploy', '--config', config], hostEnv)
      expect(deployed.stderr).toBe('')

      const start = (machine: Machine, role: string, extra: Record<string, string> = {}) => {
        const args = ['start', '--role', role, ...(role === 'web' ? [] : ['--config', config])]
        const running = startSteward(args, { ...envOn(machine, webUrl), ...extra }, { netns: machine.name })
        processes.push(running)
        return running
      }
      const webRole = start(web, 'web', { PORT: String(port) })
      const scheduler = start(sched, 'scheduler')
      const workerA = start(w1, 'worker')
      const workerB = start(w2, 'worker')
      await Promise.all([
        scheduler.waitForOutput('steward: running scheduler', 90_000),
        workerA.waitForOutput('steward: running worker', 90_000),
        workerB.waitForOutput('steward: running worker', 90_000),
        webRole.waitForOutput('steward: running web', 300_000),
      ])

      const deadline = Date.now() + 90_000
      for (;;) {
        const answered = await fetch(`${webUrl}/api/health`).then(
          (r) => r.status,
          () => 0,
        )
        if (answered === 200 || answered === 503) break
        if (Date.now() > deadline) throw new Error(`the web machine does not answer at ${webUrl}`)
        await pause(500)
      }

      // Health as an outside uptime checker sees it, every half second, from the host.
      const seen: { at: number; status: number; body: string }[] = []
      let polling = true
      const poller = (async () => {
        while (polling) {
          try {
            const response = await fetch(`${webUrl}/api/health`, { signal: AbortSignal.timeout(5_000) })
            seen.push({ at: Date.now(), status: response.status, body: await response.text() })
          } catch (error) {
            seen.push({ at: Date.now(), status: 0, body: String(error) })
          }
          await pause(500)
        }
      })()

      // 200 runs over the API of the web machine, ten requests at a time, and an HTTP event twice.
      for (let first = 0; first < runs; first += 10) {
        await Promise.all(
          Array.from({ length: 10 }, async (_, k) => {
            const response = await fetch(`${webUrl}/api/v1/pipelines/fleet.work/runs`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ params: { n: first + k + 1 } }),
            })
            expect(response.status, await response.clone().text()).toBe(201)
          }),
        )
      }
      for (let time = 0; time < 2; time++) {
        const event = await fetch(`${webUrl}/api/v1/events/fleet-landed`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: 'landed-2026-12-07', params: {} }),
        })
        expect(event.status).toBe(202)
      }

      const ended = async () =>
        Number(
          (
            await database.db
              .selectFrom('runs')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .where('status', 'in', ['succeeded', 'failed', 'cancelled'])
              .executeTakeFirstOrThrow()
          ).n,
        )
      const waitFor = async (
        what: string,
        check: () => Promise<boolean>,
        timeoutMs: number,
        explain: () => Promise<unknown> = async () => '',
      ) => {
        const deadline = Date.now() + timeoutMs
        while (!(await check())) {
          if (Date.now() > deadline)
            throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await explain())}`)
          await pause(250)
        }
      }
      await waitFor('a fifth of the runs to end', async () => (await ended()) >= runs / 5, 120_000)

      // Machine w1 dies with steps in flight; then w2 is cut off for 30 s.
      const killed = killMachine(w1)
      expect(killed.length).toBeGreaterThan(0)
      const deadWorkers = killed.map((pid) => `${hostname()}:${pid}`)
      await pause(2_000)
      setLink(w2, false)
      await pause(30_000)
      setLink(w2, true)

      await waitFor('every run to end', async () => (await ended()) === runs + 1, 240_000)

      // Exactly once: one run per request and event id, each ended as its steps say, and no step
      // with two successful attempts.
      const rows = await database.db
        .selectFrom('runs')
        .select(['id', 'pipeline_id', 'status', 'params'])
        .execute()
      expect(rows.filter((r) => r.pipeline_id === 'fleet.landed').map((r) => r.status)).toEqual(['succeeded'])
      const work = rows.filter((r) => r.pipeline_id === 'fleet.work')
      expect(work).toHaveLength(runs)
      for (const run of work) {
        const n = (run.params as { n: number }).n
        expect(run.status, `run ${n}`).toBe(n % 25 === 0 ? 'failed' : 'succeeded')
      }
      const attempts = await database.db
        .selectFrom('attempts')
        .select(['step_run_id', 'status', 'worker_id', 'error'])
        .execute()
      const successes = new Map<string, number>()
      for (const attempt of attempts) {
        if (attempt.status === 'succeeded')
          successes.set(attempt.step_run_id, (successes.get(attempt.step_run_id) ?? 0) + 1)
      }
      expect([...successes.values()].filter((count) => count > 1)).toEqual([])
      const lost = attempts.filter((a) => JSON.stringify(a.error ?? '').includes('WORKER_LOST'))
      expect(lost.length).toBeGreaterThan(0)

      // Every notification sent, each once.
      const unsent = async () => ({
        unsent: await database.db
          .selectFrom('notifications')
          .select(['kind', 'status', 'attempts', 'last_error', 'destination', 'created_at'])
          .where('status', '!=', 'sent')
          .execute(),
        channels: await database.db.selectFrom('alert_channels').selectAll().execute(),
        now: new Date(),
        stderr: processes.map((p) => p.stderr.slice(-1500)),
      })
      await waitFor(
        'every notification to be sent',
        async () => {
          const waiting = await database.db
            .selectFrom('notifications')
            .select('id')
            .where('status', '!=', 'sent')
            .execute()
          return waiting.length === 0
        },
        // Paced at one message a second and grouped for 30 s per channel, as in production.
        240_000,
        unsent,
      )
      const notifications = await database.db.selectFrom('notifications').select(['slack_ts']).execute()
      expect(notifications.length).toBeGreaterThan(0)
      const posts = slack.posts()
      expect(new Set(posts.map((p) => p.ts)).size).toBe(posts.length)
      expect(new Set(notifications.map((n) => n.slack_ts)).size).toBe(posts.length)

      // Health named the dead machine's worker while its steps waited, and recovers.
      const named = seen.filter((s) => s.status === 503 && deadWorkers.some((id) => s.body.includes(id)))
      expect(named.length, JSON.stringify(seen.filter((s) => s.status !== 200).slice(0, 3))).toBeGreaterThan(
        0,
      )
      await waitFor(
        'health to be OKAY again',
        async () => {
          const last = seen.at(-1)
          return last?.status === 200 && last.body.includes('"status":"OKAY"')
        },
        60_000,
      )
      polling = false
      await poller
    }, 900_000)
  },
)
