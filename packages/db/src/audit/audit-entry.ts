import type { AuditActorKind } from '../schema.ts'

/**
 * What the audit log records: every action that changes something, by kind. A closed list, so
 * the page's filter and the API's `action=` know them all; add one here before writing it.
 */
export const auditActions = [
  'deploy',
  'run.start',
  'run.cancel',
  'run.retry',
  'event.emit',
  'backfill.start',
  'backfill.cancel',
  'incident.ack',
  'incident.snooze',
  'schedule.pause',
  'schedule.resume',
  'token.create',
  'token.revoke',
  'consumer.label',
] as const

export type AuditAction = (typeof auditActions)[number]

/**
 * Who did it and through which door.
 * - `user`: a signed-in person (`name` is the e-mail, else the IdP name), via the UI or the API;
 * - `token`: an API token (`name` is the token's name), via the API;
 * - `slack`: a Slack user pressing an alert's button (`name`: `U123 (ana)`);
 * - `cli`: the `steward` command (`name`: the OS user, `ana@build-01`);
 * - `local`: anyone reaching a server without an identity provider (`name`: `local-admin`).
 */
export interface AuditActor {
  kind: AuditActorKind
  name: string
  via: 'api' | 'ui' | 'cli' | 'slack'
  /** Where from: the client's address (`203.0.113.7`), or the CLI's `host build-01 pid 4242`. */
  source?: string | undefined
}

/** One action, as an action site describes it to `recordAudit`. */
export interface AuditEntry {
  actor: AuditActor
  action: AuditAction
  /** What it acted on: `{ kind: 'run', id }`, `{ kind: 'pipeline', id }`, `{ kind: 'token', id: name }`… */
  target: { kind: string; id: string }
  /**
   * The product it concerns: the filter, and what a scoped token may read. Left out, it is found
   * through the target (a run's, a pipeline's…); null says there is none.
   */
  productId?: string | null | undefined
  /** Anything else worth keeping (params, a partition range, a snooze's end): small JSON. */
  details?: Record<string, unknown> | undefined
}
