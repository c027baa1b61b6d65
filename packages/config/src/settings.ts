import { isAbsolute, resolve } from 'node:path'
import { readDuration, StewardError } from '@steward/kernel'
import { parseReceiverSettings, type ReceiverSettings } from './receivers.ts'
import { parseRetention, type RetentionSettings } from './retention.ts'

/** Everything Steward reads from its environment. Packages take these as arguments, never from `process.env`. */
export interface Settings {
  /** Folder for local state: the embedded database, a local Redis's data, generated secrets. */
  home: string
  /** PostgreSQL URL, or undefined for the embedded PGlite under `home`. */
  databaseUrl: string | undefined
  /** Where BullMQ keeps the queue: `redis` (REDIS_URL) or `postgres` (the database itself). */
  queue: QueueKind
  /** False when STEWARD_QUEUE is unset: `steward dev` may then pick PostgreSQL when no Redis answers. */
  queueExplicit: boolean
  /** Redis for the queue; not used when `queue` is `postgres`. */
  redisUrl: string
  /** Port of the web UI and HTTP API. */
  port: number
  /** Fixed port for the embedded database server (0: any free port). */
  embeddedDbPort: number
  /**
   * Prefix of every BullMQ key. Two Steward installs (or test runs) sharing one Redis need
   * different prefixes; keep the `{…}` hash tag so Redis Cluster puts a queue's keys in one slot.
   */
  queuePrefix: string
  /**
   * STEWARD_USAGE_SALT: the secret of HMAC-SHA256(salt, actor), the only form in which usage
   * actors are stored. Unset outside production: `steward dev` generates one under
   * `$STEWARD_HOME/secrets`. Production (NODE_ENV=production) refuses to start without it.
   */
  usageSalt: string | undefined
  /**
   * STEWARD_HEARTBEAT_TIMEOUT: a running step whose worker wrote no heartbeat for this long is
   * failed as `WORKER_LOST` and retried. Heartbeats are written every second from a thread of
   * their own, so a step that keeps its worker's event loop busy does not stop them.
   */
  heartbeatTimeoutMs: number
  /** STEWARD_LOST_STEP_RETRY_DELAY: how long the retry of a step whose worker was lost waits. */
  lostStepRetryDelayMs: number
  /**
   * STEWARD_PUBLIC_URL: where people reach the web UI (https://steward.example.com), for links in
   * Slack messages and the sign-in redirect. Unset: links name no host (dev: localhost).
   */
  publicUrl: string | undefined
  /** How long runs, incidents and raw usage events are kept (STEWARD_RETAIN_*_DAYS). */
  retention: RetentionSettings
  /** Webhooks, PagerDuty services and SMTP that alerts go to besides Slack (receivers.ts). */
  receivers: ReceiverSettings
}

/** Defaults of the worker-loss settings: a `kill -9`ed worker's steps run again within 20 s. */
export const defaultHeartbeatTimeoutMs = 10_000
export const defaultLostStepRetryDelayMs = 1_000
/** Heartbeats are written every second: a timeout shorter than a few of them would fail live steps. */
export const minHeartbeatTimeoutMs = 3_000

/** The queue backends Steward runs on (STEWARD_QUEUE). */
export type QueueKind = 'redis' | 'postgres'
export const queueKinds: readonly QueueKind[] = ['redis', 'postgres']

export type SettingsErrorCode = 'SETTING_INVALID'

export type Environment = Record<string, string | undefined>

export const defaultRedisUrl = 'redis://127.0.0.1:6379'
export const defaultPort = 3000

/**
 * Reads and checks the settings; a bad value throws one line naming the setting and what to do.
 * `cwd` anchors a relative STEWARD_HOME.
 */
export function readSettings(env: Environment, cwd: string = process.cwd()): Settings {
  const home = env.STEWARD_HOME?.trim() || '.steward'
  const queue = env.STEWARD_QUEUE?.trim() || undefined
  return {
    home: isAbsolute(home) ? home : resolve(cwd, home),
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    queue: parseQueueKind(queue ?? 'redis'),
    queueExplicit: queue !== undefined,
    redisUrl: parseRedisUrl(env.REDIS_URL?.trim() || defaultRedisUrl),
    port: parsePort(env.PORT, 'PORT', defaultPort),
    embeddedDbPort: parsePort(env.STEWARD_DB_PORT, 'STEWARD_DB_PORT', 0),
    queuePrefix: parseQueuePrefix(env.STEWARD_QUEUE_PREFIX?.trim() || defaultQueuePrefix),
    usageSalt: parseUsageSalt(env.STEWARD_USAGE_SALT, env.NODE_ENV === 'production'),
    heartbeatTimeoutMs: parseDurationSetting(
      env.STEWARD_HEARTBEAT_TIMEOUT,
      'STEWARD_HEARTBEAT_TIMEOUT',
      defaultHeartbeatTimeoutMs,
      minHeartbeatTimeoutMs,
    ),
    lostStepRetryDelayMs: parseDurationSetting(
      env.STEWARD_LOST_STEP_RETRY_DELAY,
      'STEWARD_LOST_STEP_RETRY_DELAY',
      defaultLostStepRetryDelayMs,
      0,
    ),
    publicUrl: parsePublicUrl(env.STEWARD_PUBLIC_URL?.trim() || undefined),
    retention: parseRetention(env),
    receivers: parseReceiverSettings(env),
  }
}

function parsePublicUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new StewardError<SettingsErrorCode>(
      'SETTING_INVALID',
      `STEWARD_PUBLIC_URL must be an absolute http(s) URL such as https://steward.example.com (got "${value}")`,
    )
  }
  return value.replace(/\/+$/, '')
}

/** Shortest STEWARD_SESSION_SECRET accepted when sign-in is on (it signs the session cookie, HS256). */
export const minSessionSecretLength = 32

/**
 * What production (`steward start`) needs beyond `readSettings`, checked before anything starts,
 * the same for every role: the usage salt, and the session secret when sign-in (OIDC) is on.
 * The web server checks sign-in in full at its own start (apps/web auth-settings); this is the
 * same rule for the secret, so a worker host misconfigured like the web host fails alike.
 */
export function readProductionSettings(env: Environment, cwd: string = process.cwd()): Settings {
  const settings = readSettings({ ...env, NODE_ENV: 'production' }, cwd)
  if (
    env.STEWARD_OIDC_ISSUER?.trim() &&
    (env.STEWARD_SESSION_SECRET?.trim() ?? '').length < minSessionSecretLength
  ) {
    throw new StewardError<SettingsErrorCode>(
      'SETTING_INVALID',
      `STEWARD_SESSION_SECRET must be at least ${minSessionSecretLength} characters when STEWARD_OIDC_ISSUER is set (it signs sessions); e.g. \`openssl rand -hex 32\``,
    )
  }
  return settings
}

/** Shortest salt accepted: a short one could be guessed, and every stored actor with it. */
export const minUsageSaltLength = 16

function parseUsageSalt(value: string | undefined, production: boolean): string | undefined {
  const salt = value?.trim()
  if (!salt) {
    if (!production) return undefined
    throw new StewardError<SettingsErrorCode>(
      'SETTING_INVALID',
      'STEWARD_USAGE_SALT is not set: production (NODE_ENV=production) needs a secret salt to hash usage actors; set one, e.g. `openssl rand -hex 32`, and keep it',
    )
  }
  if (salt.length < minUsageSaltLength) {
    throw new StewardError<SettingsErrorCode>(
      'SETTING_INVALID',
      `STEWARD_USAGE_SALT must be at least ${minUsageSaltLength} characters (got ${salt.length}), e.g. \`openssl rand -hex 32\``,
    )
  }
  return salt
}

export const defaultQueuePrefix = '{steward}'

function parseQueuePrefix(value: string): string {
  if (!/^\{[A-Za-z0-9_.-]+\}$/.test(value)) {
    throw new StewardError<SettingsErrorCode>(
      'SETTING_INVALID',
      `STEWARD_QUEUE_PREFIX must look like {name} (letters, digits, _ . -), got "${value}"`,
    )
  }
  return value
}

function parseQueueKind(value: string): QueueKind {
  const kind = queueKinds.find((k) => k === value.toLowerCase())
  if (!kind) {
    throw new StewardError<SettingsErrorCode>(
      'SETTING_INVALID',
      `STEWARD_QUEUE must be redis or postgres (got "${value}")`,
    )
  }
  return kind
}

export function parseRedisUrl(value: string, setting = 'REDIS_URL'): string {
  const hint = `set ${setting} to redis://host:6379 (or rediss:// for TLS, redis-cluster://host1:7000,host2:7000 for a Redis Cluster), or unset it for a local Redis`
  const cluster = /^rediss?-cluster:\/\/(?:[^@/]*@)?([^/?#]*)\/?$/i.exec(value)
  if (cluster) {
    const nodes = (cluster[1] ?? '').split(',')
    for (const [index, node] of nodes.entries()) {
      let host = ''
      try {
        host = new URL(`redis://${node.trim()}`).hostname
      } catch {}
      if (host === '') {
        throw new StewardError<SettingsErrorCode>(
          'SETTING_INVALID',
          `${setting}: node ${index + 1} of the cluster URL ("${node}") is not host:port: ${hint}`,
        )
      }
    }
    return value
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new StewardError<SettingsErrorCode>('SETTING_INVALID', `${setting} is not a valid URL: ${hint}`)
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new StewardError<SettingsErrorCode>(
      'SETTING_INVALID',
      `${setting} must start with redis:// (got ${url.protocol}//…): ${hint}`,
    )
  }
  if (url.hostname === '') {
    throw new StewardError<SettingsErrorCode>('SETTING_INVALID', `${setting} names no host: ${hint}`)
  }
  return value
}

function parseDurationSetting(
  value: string | undefined,
  setting: string,
  fallback: number,
  minMs: number,
): number {
  if (value === undefined || value.trim() === '') return fallback
  // A bare number is milliseconds, as everywhere Steward reads a duration.
  const read = readDuration(/^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value)
  if (!read.ok) throw new StewardError<SettingsErrorCode>('SETTING_INVALID', `${setting}: ${read.message}`)
  if (read.ms < minMs) {
    throw new StewardError<SettingsErrorCode>(
      'SETTING_INVALID',
      `${setting} must be at least ${minMs / 1000} s (got "${value}")`,
    )
  }
  return read.ms
}

function parsePort(value: string | undefined, setting: string, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StewardError<SettingsErrorCode>(
      'SETTING_INVALID',
      `${setting} must be a port number between 1 and 65535 (got "${value}")`,
    )
  }
  return port
}
