import { describe, expect, it } from 'vitest'
import { definitionMeta } from './brand.ts'
import { defineProduct, type ProductOptions } from './product.ts'
import { receiverEnvName } from './receiver-options.ts'

const issuesOf = (options: unknown) => definitionMeta(defineProduct(options as ProductOptions))?.issues

describe('receivers declared on owners and stakeholders', () => {
  it('accepts named webhooks and PagerDuty services and alert e-mail addresses', () => {
    expect(
      issuesOf({
        id: 'churn',
        name: 'Churn',
        owners: [
          {
            team: 'ml',
            slack: '#ml',
            webhook: 'ops-alerts',
            pagerduty: 'ml-oncall',
            alertEmail: 'ml@example.com',
          },
        ],
        stakeholders: [{ name: 'Growth', alertEmail: 'growth@example.com', webhook: 'growth2' }],
      }),
    ).toEqual([])
    expect(receiverEnvName('ops-alerts')).toBe('OPS_ALERTS')
  })

  it('refuses a URL, a routing key or a bad name, naming the field and the setting to use', () => {
    expect(
      issuesOf({
        id: 'churn',
        name: 'Churn',
        owners: [
          {
            slack: '#ml',
            webhook: 'https://hooks.example.com/T000/B000/secret',
            pagerduty: 'R0123456789abcdef0123456789ABCDE',
          },
          { slack: '#ml', webhook: 'Ops_Alerts', alertEmail: 'not an address' },
        ],
      }),
    ).toEqual([
      {
        field: 'owners[0].webhook',
        message:
          'looks like a URL, which must not be written in code: name the receiver (e.g. "ops-alerts") and set STEWARD_WEBHOOK_OPS_ALERTS_URL and STEWARD_WEBHOOK_OPS_ALERTS_SECRET in the environment',
      },
      {
        field: 'owners[0].pagerduty',
        message:
          'looks like a routing key, which must not be written in code: name the receiver (e.g. "growth-oncall") and set STEWARD_PAGERDUTY_GROWTH_ONCALL_ROUTING_KEY in the environment',
      },
      {
        field: 'owners[1].webhook',
        message: expect.stringContaining(
          '"Ops_Alerts" is not a receiver name: use lowercase letters and digits joined by "-"',
        ),
      },
      { field: 'owners[1].alertEmail', message: expect.stringContaining('must be an e-mail address') },
    ])
  })
})
