import { describe, expect, it } from 'vitest'
import { code, link, md } from '../slack/mrkdwn.ts'
import { mrkdwnToPlain } from './mrkdwn-to-plain.ts'

describe('mrkdwnToPlain', () => {
  it('gives back the text that went into escaped mrkdwn, links readable', () => {
    const hostile = '<!channel> <https://evil.example|click> & more'
    const detail = md`Step failed: ${code(hostile)}\n${link('https://steward.example.com/runs/1?a=1&b=2', 'Run 1')}`
    expect(mrkdwnToPlain(detail.text)).toBe(
      'Step failed: `<!channel> <https://evil.example|click> & more`\nRun 1 (https://steward.example.com/runs/1?a=1&b=2)',
    )
  })

  it('writes mentions as @names', () => {
    expect(mrkdwnToPlain('<!subteam^S0123ABCD|@data-oncall> <@U0123ABCD> <!here> <#C0123ABCD|growth>')).toBe(
      '@data-oncall @U0123ABCD @here #growth',
    )
  })
})
