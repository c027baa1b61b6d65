import { describe, expect, it } from 'vitest'
import { readSettings } from './settings.ts'

describe('readSettings', () => {
  it('fills in the defaults and anchors a relative home at the working folder', () => {
    expect(readSettings({}, '/srv/team')).toEqual({
      home: '/srv/team/.steward',
      databaseUrl: undefined,
      queue: 'redis',
      queueExplicit: false,
      redisUrl: 'redis://127.0.0.1:6379',
      port: 3000,
      embeddedDbPort: 0,
      queuePrefix: '{steward}',
      usageSalt: undefined,
      heartbeatTimeoutMs: 10_000,
      lostStepRetryDelayMs: 1_000,
      publicUrl: undefined,
      retention: { runsDays: 90, incidentsDays: 90, usageEventsDays: 35 },
      receivers: {
        webhooks: {},
        pagerduty: {},
        pagerdutyUrl: 'https://events.pagerduty.com',
        email: undefined,
      },
    })
    expect(readSettings({ STEWARD_HOME: '/var/lib/steward', PORT: '4000' }, '/x')).toMatchObject({
      home: '/var/lib/steward',
      port: 4000,
    })
    expect(readSettings({ STEWARD_QUEUE: 'postgres' }, '/x')).toMatchObject({
      queue: 'postgres',
      queueExplicit: true,
    })
    expect(readSettings({ STEWARD_QUEUE: ' Redis ' }, '/x')).toMatchObject({
      queue: 'redis',
      queueExplicit: true,
    })
  })

  it('reads the retention ages in days, 0 keeping a kind for ever', () => {
    expect(
      readSettings(
        {
          STEWARD_RETAIN_RUNS_DAYS: '30',
          STEWARD_RETAIN_INCIDENTS_DAYS: '0',
          STEWARD_RETAIN_USAGE_EVENTS_DAYS: '400',
        },
        '/',
      ).retention,
    ).toEqual({ runsDays: 30, incidentsDays: 0, usageEventsDays: 400 })
    expect(() => readSettings({ STEWARD_RETAIN_RUNS_DAYS: '1.5' }, '/')).toThrow(
      /^STEWARD_RETAIN_RUNS_DAYS must be a whole number of days, at least 1 \(or 0 to keep for ever\), got "1.5"$/,
    )
    // Top consumers count the last 30 days of raw events.
    expect(() => readSettings({ STEWARD_RETAIN_USAGE_EVENTS_DAYS: '7' }, '/')).toThrow(
      /^STEWARD_RETAIN_USAGE_EVENTS_DAYS must be a whole number of days, at least 31/,
    )
  })

  it('takes the usage salt, which production cannot do without', () => {
    const salt = 'a-salt-of-enough-length'
    expect(readSettings({ STEWARD_USAGE_SALT: ` ${salt} ` }, '/').usageSalt).toBe(salt)
    expect(readSettings({ NODE_ENV: 'production', STEWARD_USAGE_SALT: salt }, '/').usageSalt).toBe(salt)
    expect(readSettings({ NODE_ENV: 'development' }, '/').usageSalt).toBeUndefined()
  })

  it('reads the worker-loss durations as durations, a bare number as milliseconds', () => {
    expect(
      readSettings({ STEWARD_HEARTBEAT_TIMEOUT: '1m', STEWARD_LOST_STEP_RETRY_DELAY: '0' }, '/'),
    ).toMatchObject({ heartbeatTimeoutMs: 60_000, lostStepRetryDelayMs: 0 })
    expect(readSettings({ STEWARD_HEARTBEAT_TIMEOUT: '4500' }, '/').heartbeatTimeoutMs).toBe(4_500)
  })

  it('takes STEWARD_PUBLIC_URL only as an absolute http(s) URL', () => {
    expect(readSettings({ STEWARD_PUBLIC_URL: 'https://steward.example.com/' }, '/').publicUrl).toBe(
      'https://steward.example.com',
    )
    for (const bad of ['steward.example.com', '/runs', 'ftp://example.com', 'http://']) {
      expect(() => readSettings({ STEWARD_PUBLIC_URL: bad }, '/')).toThrow(
        /^STEWARD_PUBLIC_URL must be an absolute http\(s\) URL/,
      )
    }
  })

  it('takes a Redis Cluster as its seed nodes', () => {
    const url = 'rediss-cluster://app:secret@10.0.0.1:7000,10.0.0.2:7000'
    expect(readSettings({ REDIS_URL: url }, '/').redisUrl).toBe(url)
  })

  it.each([
    [
      { STEWARD_HEARTBEAT_TIMEOUT: '10 seconds' },
      /^STEWARD_HEARTBEAT_TIMEOUT: "10 seconds" is not a duration/,
    ],
    [{ STEWARD_HEARTBEAT_TIMEOUT: '1s' }, /^STEWARD_HEARTBEAT_TIMEOUT must be at least 3 s \(got "1s"\)$/],
    [{ STEWARD_LOST_STEP_RETRY_DELAY: '-5s' }, /^STEWARD_LOST_STEP_RETRY_DELAY: "-5s" is not a duration/],
    [{ PORT: 'abc' }, /^PORT must be a port number between 1 and 65535 \(got "abc"\)$/],
    [{ PORT: '70000' }, /^PORT must be a port number/],
    [{ REDIS_URL: 'http://cache:6379' }, /^REDIS_URL must start with redis:\/\//],
    [{ REDIS_URL: 'cache:6379' }, /^REDIS_URL must start with redis:\/\//],
    [
      { REDIS_URL: 'redis-cluster://a:7000,,b:7000' },
      /^REDIS_URL: node 2 of the cluster URL \(""\) is not host:port/,
    ],
    [{ STEWARD_DB_PORT: '-1' }, /^STEWARD_DB_PORT must be a port number/],
    [{ STEWARD_QUEUE: 'kafka' }, /^STEWARD_QUEUE must be redis or postgres \(got "kafka"\)$/],
    [{ STEWARD_QUEUE_PREFIX: 'steward' }, /^STEWARD_QUEUE_PREFIX must look like \{name\}/],
    [{ STEWARD_USAGE_SALT: 'short' }, /^STEWARD_USAGE_SALT must be at least 16 characters \(got 5\)/],
    [{ NODE_ENV: 'production' }, /^STEWARD_USAGE_SALT is not set: production \(NODE_ENV=production\) needs/],
  ])('refuses %j in one line naming the setting', (env, message) => {
    expect(() => readSettings(env, '/')).toThrow(message)
  })
})
