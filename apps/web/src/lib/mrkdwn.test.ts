import { renderFirst } from '@steward/alerts'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import { SlackText } from '../components/slack-text.tsx'
import { mrkdwnToPlain, parseMrkdwn } from './mrkdwn.ts'

const html = (text: string) => renderToStaticMarkup(createElement(SlackText, { text }))

describe('Slack mrkdwn on a page, as Slack shows it', () => {
  test('bold, strike-through, code, links, line breaks and the alerts’ emoji', () => {
    expect(html(':red_circle: *churn.score failed* (2 times)')).toBe(
      '<strong><span>churn.score failed</span></strong><span> (2 times)</span>',
    )
    expect(html('`STEP_FAILED: bad header`\n<https://steward.example.com/runs/1|Run 1>')).toBe(
      '<code>STEP_FAILED: bad header</code><br/><a href="https://steward.example.com/runs/1" rel="noreferrer nofollow">Run 1</a>',
    )
    expect(html(':white_check_mark: ~Nightly load~ resolved')).toBe(
      '<span>✓ </span><s><span>Nightly load</span></s><span> resolved</span>',
    )
    // The owners' mentions read as ids; the acknowledgement's emoji goes, its words stay.
    expect(html('<@U024BE7LH> <!subteam^S0123ABCD> :eyes: Acknowledged')).toBe(
      '<span>@U024BE7LH @S0123ABCD Acknowledged</span>',
    )
    // Not markup: snake_case, a lone star, arithmetic.
    expect(mrkdwnToPlain('rows_total * 2 > 3*4')).toBe('rows_total * 2 > 3*4')
  })

  test('escaped text from data stays text: no mention, no disguised link, no HTML', () => {
    const title = '<!channel> <https://evil.example|click here> <script>alert(1)</script> & co'
    const payload = renderFirst([
      {
        id: '7d9c1a52-0000-4000-8000-000000000001',
        title,
        detail: '',
        severity: 'critical',
        status: 'open',
        runbook: null,
        fire_count: 1,
        acked_by: null,
        product_id: 'churn',
      },
    ])
    const first = (payload.blocks[0] as { text: { text: string } }).text.text
    const shown = html(first)
    expect(shown).not.toContain('<a ')
    expect(shown).not.toContain('<script')
    expect(shown).toContain('&lt;!channel&gt; &lt;https://evil.example|click here&gt; &lt;script&gt;')
    expect(mrkdwnToPlain(first)).toBe(title)
  })

  test('links to anything but http(s) are not links', () => {
    expect(parseMrkdwn('<javascript:alert(1)|run>')).toEqual([
      { kind: 'text', text: '<javascript:alert(1)|run>' },
    ])
    expect(html('<!here> hi')).toBe('<span>&lt;!here&gt; hi</span>')
    expect(parseMrkdwn('`unclosed code')).toEqual([{ kind: 'text', text: '`unclosed code' }])
  })
})
