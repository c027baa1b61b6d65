import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccessLogLine } from '../access-logs/access-log-line.ts'
import { writeAccessLogs } from '../access-logs/write-access-logs.ts'
import { countAccessLogFile } from './count-access-log-file.ts'
import { hashUserId, userIdHasher } from './hash-user-id.ts'
import { summarizeActivity } from './summarize-activity.ts'

const ios = 'ExampleApp/5.3.1 (iPhone14,2; iOS 17.4.1; Scale/3.00)'
const android = 'ExampleApp/5.3.0 (Linux; Android 14; Pixel 8) okhttp/4.12.0'
const googlebot =
  'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'

function line(overrides: Partial<AccessLogLine>): AccessLogLine {
  return {
    timestamp: '2026-11-02T19:04:00.000Z',
    ip: '203.0.113.7',
    method: 'GET',
    path: '/api/feed',
    response_code: 200,
    latency: 0.1,
    content_length: 100,
    user_agent: ios,
    referer: null,
    request_id: 'r',
    host: 'web-1',
    ...overrides,
  }
}

describe('hashUserId', () => {
  it('is sha256 of salt and id: stable, salted, 64 hex digits', () => {
    expect(hashUserId('u_1', 'a')).toMatch(/^[0-9a-f]{64}$/)
    expect(hashUserId('u_1', 'a')).toBe(hashUserId('u_1', 'a'))
    expect(hashUserId('u_1', 'a')).not.toBe(hashUserId('u_1', 'b'))
    expect(hashUserId('u_1', 'a')).not.toBe(hashUserId('u_2', 'a'))
    expect(userIdHasher('a')('u_1')).toBe(hashUserId('u_1', 'a'))
    expect(() => hashUserId('u_1', '')).toThrow(/salt/)
  })
})

describe('summarizeActivity', () => {
  const hash = userIdHasher('salt')
  const summary = summarizeActivity(
    [
      line({ user_id: 'u_1', method: 'POST', path: '/api/messages', response_code: 201 }),
      line({ user_id: 'u_2', method: 'POST', path: '/api/messages', response_code: 201 }),
      line({ user_id: 'u_1', method: 'POST', path: '/api/messages', response_code: 500 }),
      line({ user_id: 'u_3', method: 'POST', path: '/api/messages', user_agent: android, host: 'web-2' }),
      line({ user_id: 'u_4', method: 'POST', path: '/api/photos', response_code: 201 }),
      line({ user_id: 'u_5', method: 'POST', path: '/api/photos', response_code: 500 }),
      line({ session: 's_a', path: '/' }),
      line({ session: 's_a', path: '/signup', timestamp: '2026-11-02T19:05:00.000Z' }),
      line({ user_agent: googlebot, path: '/robots.txt' }),
      line({ user_agent: 'curl/8.4.0', path: '/' }),
    ],
    hash,
  )

  it('counts per hour × platform × host × action, with errors and distinct users', () => {
    expect(summary.counts).toEqual([
      {
        hour: '2026-11-02T19:00:00.000Z',
        platform: 'android',
        host: 'web-2',
        action: 'message',
        requests: 1,
        errors: 0,
        users: 1,
      },
      {
        hour: '2026-11-02T19:00:00.000Z',
        platform: 'ios',
        host: 'web-1',
        action: 'message',
        requests: 3,
        errors: 1,
        users: 2,
      },
      {
        hour: '2026-11-02T19:00:00.000Z',
        platform: 'ios',
        host: 'web-1',
        action: 'photo_upload',
        requests: 2,
        errors: 1,
        users: 2,
      },
      {
        hour: '2026-11-02T19:00:00.000Z',
        platform: 'ios',
        host: 'web-1',
        action: 'view',
        requests: 2,
        errors: 0,
        users: 0,
      },
    ])
  })

  it('removes bots (Googlebot is not an Android user) and reports rows per host', () => {
    expect(summary.botsRemoved).toBe(2)
    expect(summary.rows).toBe(8)
    expect(summary.rowsByHost).toEqual({ 'web-1': 7, 'web-2': 1 })
  })

  it('keeps successful account actions and one visit per session as events, with hashed ids', () => {
    // Messages are counted, not kept per user; the failed photo upload is no event.
    expect(summary.events).toEqual([
      { user: hash('u_4'), time: '2026-11-02T19:04:00.000Z', action: 'photo_upload' },
      { user: `visitor:${hash('s_a')}`, time: '2026-11-02T19:04:00.000Z', action: 'visit' },
    ])
  })
})

describe('countAccessLogFile', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steward-activity-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes counts and events with no raw user id or session key anywhere, and counts every line', async () => {
    const log = await writeAccessLogs(join(dir, 'logs'), { seed: 3, day: '2026-11-02', linesPerDay: 5_000 })
    // A server cut off mid-line: skipped and counted, the day still counts.
    await writeFile(log.path, `${await readFile(log.path, 'utf8')}{"timestamp":"2026-11-02T23:59`)
    const counted = await countAccessLogFile({
      logPath: log.path,
      day: '2026-11-02',
      countsDir: join(dir, 'counts'),
      eventsDir: join(dir, 'events'),
      salt: 'test-salt',
    })
    expect(counted.malformedLines).toBe(1)
    expect(counted.rows + counted.botsRemoved).toBe(log.lines)
    expect(counted.botsRemoved).toBeGreaterThan(0)
    expect(Object.values(counted.rowsByHost).reduce((a, b) => a + b, 0)).toBe(counted.rows)

    const counts = await readFile(counted.countsPath, 'utf8')
    const events = await readFile(counted.eventsPath, 'utf8')
    expect(counts.split('\n')[0]).toBe('hour,platform,host,action,requests,errors,users')
    const requests = counts
      .trim()
      .split('\n')
      .slice(1)
      .reduce((sum, row) => sum + Number(row.split(',')[4]), 0)
    expect(requests).toBe(counted.rows)
    for (const output of [counts, events]) {
      expect(output).not.toMatch(/u_\d+/)
      expect(output).not.toMatch(/s_[0-9a-f]{16}/)
    }
    expect(events).toMatch(/"user":"[0-9a-f]{64}"/)
  })
})
