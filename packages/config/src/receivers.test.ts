import { describe, expect, it } from 'vitest'
import { parseReceiverSettings } from './receivers.ts'

describe('parseReceiverSettings', () => {
  it('has no receivers by default', () => {
    expect(parseReceiverSettings({})).toEqual({
      webhooks: {},
      pagerduty: {},
      pagerdutyUrl: 'https://events.pagerduty.com',
      email: undefined,
    })
  })

  it('reads webhooks, PagerDuty services and SMTP under the names definitions use', () => {
    expect(
      parseReceiverSettings({
        STEWARD_WEBHOOK_OPS_ALERTS_URL: 'https://hooks.example.com/steward',
        STEWARD_WEBHOOK_OPS_ALERTS_SECRET: 'an-ops-secret-of-32-characters!!',
        STEWARD_PAGERDUTY_GROWTH_ONCALL_ROUTING_KEY: 'R0123456789abcdef0123456789abcde',
        STEWARD_PAGERDUTY_URL: 'http://127.0.0.1:8080/',
        STEWARD_SMTP_URL: 'smtp://user:pass@mail.example.com:587',
        STEWARD_EMAIL_FROM: 'Steward <steward@example.com>',
      }),
    ).toEqual({
      webhooks: {
        'ops-alerts': {
          url: 'https://hooks.example.com/steward',
          secret: 'an-ops-secret-of-32-characters!!',
        },
      },
      pagerduty: { 'growth-oncall': { routingKey: 'R0123456789abcdef0123456789abcde' } },
      pagerdutyUrl: 'http://127.0.0.1:8080',
      email: { smtpUrl: 'smtp://user:pass@mail.example.com:587', from: 'Steward <steward@example.com>' },
    })
  })

  it('refuses half a webhook, a short secret and bad URLs in one line, without repeating a secret', () => {
    const read = (env: Record<string, string>) => () => parseReceiverSettings(env)
    expect(read({ STEWARD_WEBHOOK_OPS_URL: 'https://hooks.example.com/x' })).toThrow(
      /^STEWARD_WEBHOOK_OPS_URL is set but STEWARD_WEBHOOK_OPS_SECRET is not: webhooks are signed/,
    )
    expect(read({ STEWARD_WEBHOOK_OPS_SECRET: 'x'.repeat(32) })).toThrow(
      'STEWARD_WEBHOOK_OPS_SECRET is set but STEWARD_WEBHOOK_OPS_URL is not: set both, or neither',
    )
    expect(
      read({ STEWARD_WEBHOOK_OPS_URL: 'https://h.example.com', STEWARD_WEBHOOK_OPS_SECRET: 'short' }),
    ).toThrow('STEWARD_WEBHOOK_OPS_SECRET must be at least 16 characters (got 5)')
    const token = 'ftp://token-abc@h.example.com'
    expect(read({ STEWARD_WEBHOOK_OPS_URL: token, STEWARD_WEBHOOK_OPS_SECRET: 'x'.repeat(32) })).toThrow(
      'STEWARD_WEBHOOK_OPS_URL must be an absolute http(s) URL, e.g. https://hooks.example.com/steward',
    )
    expect(read({ STEWARD_SMTP_URL: 'mail.example.com' })).toThrow(
      /^STEWARD_SMTP_URL must look like smtp:\/\//,
    )
    expect(read({ STEWARD_PAGERDUTY_OPS__TEAM_ROUTING_KEY: 'x' })).toThrow(/cannot be a receiver's name/)
  })
})
