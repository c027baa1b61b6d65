import type { SlackSettings } from '@steward/alerts'
import { type Environment, readProductionSettings, readSettings, type Settings } from '@steward/config'

/*
 * The only module that reads `process.env` (biome's noProcessEnv enforces it). Everything else
 * takes settings as arguments, so commands and helpers stay testable without the environment.
 */

/** Steward's settings from the environment; a bad value throws one line naming the setting. */
export function readCliSettings(): Settings {
  return readSettings(process.env)
}

/**
 * The settings of `steward start`: production rules whatever NODE_ENV says (the usage salt, the
 * session secret with sign-in on), plus whether REDIS_URL was given at all (production never
 * falls back to a Redis on localhost).
 */
export function readStartSettings(): { settings: Settings; redisUrlGiven: boolean } {
  return {
    settings: readProductionSettings(process.env),
    redisUrlGiven: Boolean(process.env.REDIS_URL?.trim()),
  }
}

/**
 * Slack settings: SLACK_BOT_TOKEN (none: notifications are recorded, not sent) and SLACK_API_URL
 * (Slack's own by default; any Slack-compatible server for tests and staging). Never printed.
 */
export function readSlackSettings(): SlackSettings {
  const botToken = process.env.SLACK_BOT_TOKEN?.trim()
  const apiUrl = process.env.SLACK_API_URL?.trim()
  return {
    ...(botToken ? { botToken } : {}),
    ...(apiUrl ? { apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
  }
}

/** STEWARD_DEBUG=1 prints stacks of unexpected errors. */
export function debugEnabled(): boolean {
  const value = process.env.STEWARD_DEBUG?.trim().toLowerCase()
  return value === '1' || value === 'true'
}

/** A copy of this process's environment, the base of a child process's. */
export function inheritedEnvironment(): Environment {
  return { ...process.env }
}

/** PATH, for finding executables such as redis-server and apt-get. */
export function executableSearchPath(): string {
  return process.env.PATH ?? ''
}

/** Running as root: allowed to install system packages. */
export function runningAsRoot(): boolean {
  return process.getuid?.() === 0
}

/**
 * The environment warehouse connections read their URLs from: a PostgreSQL connection names its
 * variable (`urlEnv`), so any variable may be one. Handed to the pools, never printed.
 */
export function warehouseVariables(): Readonly<Record<string, string | undefined>> {
  return { ...process.env }
}
