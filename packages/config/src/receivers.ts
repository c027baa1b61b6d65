import { StewardError } from '@steward/kernel'
import type { Environment, SettingsErrorCode } from './settings.ts'

/**
 * Where alerts go besides Slack, read from the environment: definitions name a webhook or a
 * PagerDuty service (`webhook: 'ops-alerts'`), and each process that may deliver to it has its URL,
 * secret or routing key here. A receiver name `ops-alerts` is `OPS_ALERTS` in a setting's name.
 * A process without a receiver's settings leaves its notifications pending for one that has them.
 */
export interface ReceiverSettings {
  /** STEWARD_WEBHOOK_<NAME>_URL and STEWARD_WEBHOOK_<NAME>_SECRET, by receiver name. */
  webhooks: Record<string, { url: string; secret: string }>
  /** STEWARD_PAGERDUTY_<NAME>_ROUTING_KEY by receiver name. */
  pagerduty: Record<string, { routingKey: string }>
  /** STEWARD_PAGERDUTY_URL: the Events API v2 base URL (a local stand-in in tests). */
  pagerdutyUrl: string
  /** STEWARD_SMTP_URL and STEWARD_EMAIL_FROM; undefined without an SMTP URL (no e-mail). */
  email: { smtpUrl: string; from: string } | undefined
}

export const defaultPagerdutyUrl = 'https://events.pagerduty.com'
export const defaultEmailFrom = 'Steward <steward@localhost>'
/** Shortest webhook secret accepted: the receiver checks signatures made with it. */
export const minWebhookSecretLength = 16

/** Reads every receiver setting; a bad or half-given one throws one line naming it. */
export function parseReceiverSettings(env: Environment): ReceiverSettings {
  const webhooks: ReceiverSettings['webhooks'] = {}
  const pagerduty: ReceiverSettings['pagerduty'] = {}
  const webhookNames = new Set<string>()
  for (const [key, raw] of Object.entries(env)) {
    const value = raw?.trim()
    if (!value) continue
    const hook = /^STEWARD_WEBHOOK_([A-Z0-9_]+)_(URL|SECRET)$/.exec(key)
    if (hook?.[1]) webhookNames.add(hook[1])
    const pd = /^STEWARD_PAGERDUTY_([A-Z0-9_]+)_ROUTING_KEY$/.exec(key)
    if (pd?.[1]) pagerduty[receiverName(pd[1], key)] = { routingKey: value }
  }
  for (const envName of webhookNames) {
    const urlKey = `STEWARD_WEBHOOK_${envName}_URL`
    const secretKey = `STEWARD_WEBHOOK_${envName}_SECRET`
    const url = env[urlKey]?.trim()
    const secret = env[secretKey]?.trim()
    if (!url) throw invalid(`${secretKey} is set but ${urlKey} is not: set both, or neither`)
    if (!secret)
      throw invalid(
        `${urlKey} is set but ${secretKey} is not: webhooks are signed, set a secret of at least ${minWebhookSecretLength} characters (\`openssl rand -hex 32\`)`,
      )
    if (secret.length < minWebhookSecretLength)
      throw invalid(
        `${secretKey} must be at least ${minWebhookSecretLength} characters (got ${secret.length})`,
      )
    webhooks[receiverName(envName, urlKey)] = { url: httpUrl(url, urlKey), secret }
  }
  const smtpUrl = env.STEWARD_SMTP_URL?.trim()
  return {
    webhooks,
    pagerduty,
    pagerdutyUrl: httpUrl(
      env.STEWARD_PAGERDUTY_URL?.trim() || defaultPagerdutyUrl,
      'STEWARD_PAGERDUTY_URL',
    ).replace(/\/+$/, ''),
    email: smtpUrl
      ? { smtpUrl: parseSmtpUrl(smtpUrl), from: env.STEWARD_EMAIL_FROM?.trim() || defaultEmailFrom }
      : undefined,
  }
}

/** `OPS_ALERTS` → `ops-alerts`, the name definitions use; refuses what no definition could name. */
function receiverName(envName: string, key: string): string {
  if (!/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/.test(envName)) {
    throw invalid(
      `${key}: "${envName}" cannot be a receiver's name (definitions name receivers with lowercase words joined by "-": "ops-alerts" is OPS_ALERTS)`,
    )
  }
  return envName.toLowerCase().replaceAll('_', '-')
}

function httpUrl(value: string, key: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    // The value may hold a token: it is not repeated in the message.
    throw invalid(`${key} must be an absolute http(s) URL, e.g. https://hooks.example.com/steward`)
  }
  return value
}

function parseSmtpUrl(value: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    throw invalid(
      'STEWARD_SMTP_URL must look like smtp://user:password@host:587 (or smtps:// for TLS from the start)',
    )
  }
  return value
}

function invalid(message: string): StewardError<SettingsErrorCode> {
  return new StewardError<SettingsErrorCode>('SETTING_INVALID', message)
}
