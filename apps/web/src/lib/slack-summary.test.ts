import { renderFirst } from '@steward/alerts'
import { describe, expect, test } from 'vitest'
import { plainMrkdwn, summariseSlackPayload } from './slack-summary.ts'

describe('summariseSlackPayload', () => {
  test('a first message as the alerts package renders it: title, detail and its buttons', () => {
    const payload = renderFirst([
      {
        id: '7d9c1a52-0000-4000-8000-000000000001',
        title: 'churn.score failed',
        detail: 'Step score failed after 3 attempts: <https://example.com/runs/1|run 1>',
        severity: 'critical',
        status: 'open',
        runbook: 'https://wiki.example.com/churn',
        fire_count: 2,
        acked_by: null,
        product_id: 'churn-risk-scores',
      },
    ])
    const summary = summariseSlackPayload(payload)
    expect(summary.lines).toEqual([
      'churn.score failed (2 times, runbook)',
      'Step score failed after 3 attempts: run 1',
    ])
    expect(summary.buttons).toEqual(['Acknowledge', 'Snooze 1h'])
    expect(summary.text).toContain('churn.score failed')
  })

  test('payloads of another shape give what they can, and never throw', () => {
    expect(summariseSlackPayload(null)).toEqual({ text: '', lines: [], buttons: [], mrkdwn: [] })
    expect(
      summariseSlackPayload({
        text: 'hi',
        blocks: [
          null,
          3,
          { type: 'divider' },
          { type: 'context', elements: [{ type: 'mrkdwn', text: 'small print' }] },
        ],
      }),
    ).toEqual({ text: 'hi', lines: ['small print'], buttons: [], mrkdwn: ['small print'] })
  })
})

describe('plainMrkdwn', () => {
  test('links, emphasis, strike-through, emoji and entities', () => {
    expect(plainMrkdwn(':white_check_mark: ~Nightly load~ resolved by *ana*')).toBe(
      '✓ Nightly load resolved by ana',
    )
    expect(plainMrkdwn('see <https://x.example/a|the run> &amp; <#C123>')).toBe('see the run & #C123')
    expect(plainMrkdwn('snake_case_names stay')).toBe('snake_case_names stay')
    expect(plainMrkdwn(':unknown_emoji: kept')).toBe(':unknown_emoji: kept')
  })
})
