import { StewardError } from '@steward/kernel'
import type { Environment, SettingsErrorCode } from './settings.ts'

/**
 * How long history is kept before the pruner deletes it (`steward prune`, and every runtime process
 * once an hour). Ages in days; 0 keeps that kind for ever. Rollups (usage per day, period actors,
 * cost per day) are never pruned: they outlive the raw rows they were counted from.
 */
export interface RetentionSettings {
  /** STEWARD_RETAIN_RUNS_DAYS: ended runs, with their step runs, attempts, logs, metrics and cost entries. */
  runsDays: number
  /** STEWARD_RETAIN_INCIDENTS_DAYS: resolved incidents with their notifications, and sent notifications. */
  incidentsDays: number
  /** STEWARD_RETAIN_USAGE_EVENTS_DAYS: raw usage events (top consumers read the last 30 days of them). */
  usageEventsDays: number
  /** STEWARD_RETAIN_AUDIT_DAYS: rows of the audit log (who deployed, ran, cancelled, acknowledged…). */
  auditDays: number
}

export const defaultRetention: RetentionSettings = {
  runsDays: 90,
  incidentsDays: 90,
  usageEventsDays: 35,
  auditDays: 365,
}

/** The least a usage event is kept: top consumers count the last 30 days of raw events. */
export const minUsageEventsDays = 31

export function parseRetention(env: Environment): RetentionSettings {
  return {
    runsDays: parseDays(
      env.STEWARD_RETAIN_RUNS_DAYS,
      'STEWARD_RETAIN_RUNS_DAYS',
      defaultRetention.runsDays,
      1,
    ),
    incidentsDays: parseDays(
      env.STEWARD_RETAIN_INCIDENTS_DAYS,
      'STEWARD_RETAIN_INCIDENTS_DAYS',
      defaultRetention.incidentsDays,
      1,
    ),
    usageEventsDays: parseDays(
      env.STEWARD_RETAIN_USAGE_EVENTS_DAYS,
      'STEWARD_RETAIN_USAGE_EVENTS_DAYS',
      defaultRetention.usageEventsDays,
      minUsageEventsDays,
    ),
    auditDays: parseDays(
      env.STEWARD_RETAIN_AUDIT_DAYS,
      'STEWARD_RETAIN_AUDIT_DAYS',
      defaultRetention.auditDays,
      1,
    ),
  }
}

function parseDays(value: string | undefined, setting: string, fallback: number, min: number): number {
  if (value === undefined || value.trim() === '') return fallback
  const days = Number(value)
  if (!Number.isInteger(days) || (days !== 0 && days < min) || days > 36_500) {
    throw new StewardError<SettingsErrorCode>(
      'SETTING_INVALID',
      `${setting} must be a whole number of days, at least ${min} (or 0 to keep for ever), got "${value}"`,
    )
  }
  return days
}
