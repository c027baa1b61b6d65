import { z } from 'zod'
import { text } from './option-schemas.ts'

/**
 * Receivers besides Slack that an owner or a stakeholder can declare. A webhook or a PagerDuty
 * service is named in code and its URL, secret or routing key live in the environment of the
 * processes that deliver (`STEWARD_WEBHOOK_<NAME>_URL`…), so no secret is ever written in a
 * definition. An e-mail address is not a secret: it is written as it is.
 */
export interface ReceiverOptions {
  /** A webhook receiver's name, e.g. `"ops-alerts"`: STEWARD_WEBHOOK_OPS_ALERTS_URL and _SECRET say where and how. */
  webhook?: string
  /** A PagerDuty service's name, e.g. `"growth-oncall"`: its routing key is STEWARD_PAGERDUTY_GROWTH_ONCALL_ROUTING_KEY. */
  pagerduty?: string
  /** An address alerts are e-mailed to over STEWARD_SMTP_URL. */
  alertEmail?: string
}

/** A receiver's name: lowercase words joined by `-`, so each name has one environment name. */
export const receiverNamePattern = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/

/** The environment name part of a receiver name: `ops-alerts` → `OPS_ALERTS`. */
export function receiverEnvName(name: string): string {
  return name.toUpperCase().replaceAll('-', '_')
}

const receiverName = (kind: 'webhook' | 'pagerduty') => {
  const example = kind === 'webhook' ? 'ops-alerts' : 'growth-oncall'
  const setting = (name: string) =>
    kind === 'webhook'
      ? `STEWARD_WEBHOOK_${receiverEnvName(name)}_URL and STEWARD_WEBHOOK_${receiverEnvName(name)}_SECRET`
      : `STEWARD_PAGERDUTY_${receiverEnvName(name)}_ROUTING_KEY`
  return text(`the name of a ${kind} receiver, e.g. "${example}"`).superRefine((value, ctx) => {
    if (receiverNamePattern.test(value)) return
    const what = kind === 'webhook' ? 'URL' : 'routing key'
    const looksSecret = /[:/]/.test(value) || (kind === 'pagerduty' && /^[A-Za-z0-9]{20,}$/.test(value))
    ctx.addIssue({
      code: 'custom',
      message: looksSecret
        ? `looks like a ${what}, which must not be written in code: name the receiver (e.g. "${example}") and set ${setting(example)} in the environment`
        : `"${value}" is not a receiver name: use lowercase letters and digits joined by "-", e.g. "${example}" (its settings: ${setting(example)})`,
    })
  })
}

/** The zod fields of `ReceiverOptions`, spread into the owner and stakeholder schemas. */
export const receiverFields = {
  webhook: receiverName('webhook').optional(),
  pagerduty: receiverName('pagerduty').optional(),
  alertEmail: z
    .email({ error: 'must be an e-mail address alerts are sent to, e.g. "oncall@example.com"' })
    .optional(),
}
