import type { Incident, SlackPayload } from '@steward/db'
import { describe, expect, it } from 'vitest'
import { runDetail, runLink } from '../evaluate/run-detail.ts'
import { blockKitProblems } from './block-kit-limits.ts'
import { code, link, md } from './mrkdwn.ts'
import type { ProductView } from './render.ts'
import {
  renderDeliveryProblem,
  renderDigest,
  renderFirst,
  renderFollowUp,
  renderReminder,
  renderResolved,
  renderStakeholderFirst,
  renderStakeholderResolved,
} from './render.ts'

/** A small seeded generator (mulberry32): the same hostile strings on every run, a seed to replay a failure. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const atoms = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U024BE7LH>',
  '<#C0123ABCD|general>',
  '<!subteam^S0123ABCD|oncall>',
  '<https://evil.example|click here>',
  '<mailto:a@evil.example>',
  '&',
  '&amp;',
  '&lt;',
  '&#60;',
  '<',
  '>',
  '`',
  '```',
  '*',
  '_',
  '~',
  '|',
  '\n',
  '\r\n',
  '\u0000',
  '😀',
  ':red_circle:',
  '"',
  ' ',
  'churn',
  'é',
]

function hostile(next: () => number): string {
  const long = next() < 0.15
  const count = long ? 200 + Math.floor(next() * 3000) : Math.floor(next() * 12)
  let out = ''
  for (let i = 0; i < count; i++) {
    out +=
      next() < 0.05 ? 'x'.repeat(Math.floor(next() * 400)) : (atoms[Math.floor(next() * atoms.length)] ?? '')
  }
  return out
}

const webUrl = 'https://steward.example.com'
/** The ids owners declared: the only mentions a message may carry, and only the owners' message. */
const declared = ['U024BE7LH', 'S0123ABCD']
const runbook = 'https://wiki.example.com/runbooks/churn'
const runId = '7d9c1a52-0000-4000-8000-000000000001'

type View = Parameters<typeof renderFirst>[0][number]
function incident(next: () => number, overrides: Partial<View> = {}): View {
  const detail = runDetail({ code: hostile(next), message: hostile(next) }, runLink(webUrl, runId))
  return {
    id: runId,
    title: hostile(next),
    detail: detail.text,
    severity: 'critical',
    status: next() < 0.3 ? 'resolved' : 'open',
    runbook: next() < 0.5 ? runbook : null,
    fire_count: 1 + Math.floor(next() * 3),
    acked_by: next() < 0.5 ? hostile(next) : null,
    acked_at: next() < 0.5 ? new Date(1_790_000_000_000) : null,
    snoozed_until: next() < 0.5 ? new Date(1_790_000_000_000) : null,
    snoozed_by: next() < 0.5 ? hostile(next) : null,
    // Stored ids pass a filter when rendered: hostile ones are dropped, never sent.
    mentions: next() < 0.5 ? [...declared, hostile(next)] : [],
    opened_at: new Date(1_790_000_000_000),
    resolved_at: next() < 0.5 ? new Date(1_790_000_000_000) : null,
    last_good_at: next() < 0.5 ? new Date(1_789_000_000_000) : null,
    product_id: next() < 0.5 ? 'churn' : hostile(next),
    ...overrides,
  } satisfies Partial<Incident>
}

/** A product as the stakeholders' message names it, every name and owner from data. */
function products(next: () => number): Map<string, ProductView> {
  const owners = Array.from({ length: Math.floor(next() * 14) }, () => ({
    team: next() < 0.5 ? hostile(next) : undefined,
    name: next() < 0.5 ? hostile(next) : undefined,
    slack: hostile(next),
    mention: declared,
  }))
  return new Map([['churn', { name: hostile(next), owners }]])
}

/** Every mrkdwn text of a payload: the fallback, section texts and fields, context elements. */
function mrkdwnTexts(payload: SlackPayload): string[] {
  const texts = [payload.text]
  for (const block of payload.blocks as {
    text?: { type: string; text: string }
    fields?: { type: string; text: string }[]
    elements?: { type: string; text?: unknown }[]
  }[]) {
    if (block.text?.type === 'mrkdwn') texts.push(block.text.text)
    for (const field of block.fields ?? []) if (field.type === 'mrkdwn') texts.push(field.text)
    for (const element of block.elements ?? [])
      if (element.type === 'mrkdwn' && typeof element.text === 'string') texts.push(element.text)
  }
  return texts
}

/**
 * What in a mrkdwn text would not arrive inert: a mention nobody declared (any mention at all in
 * the stakeholders' messages), a link Steward did not make, a raw `&`, NUL.
 */
function unsafeParts(text: string, mentions: readonly string[] = []): string[] {
  const problems: string[] = []
  const allowed = new Set(mentions.map((id) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`)))
  for (const match of text.matchAll(/<[^>]*>?/g)) {
    const token = match[0]
    if (allowed.has(token)) continue
    const url = /^<(https?:\/\/[^|<>\s]+)\|[^<>|]*>$/.exec(token)?.[1]
    if (!url || !(url.startsWith(`${webUrl}/runs/`) || url === runbook)) problems.push(`token ${token}`)
  }
  for (const match of text.matchAll(/&[^;\s]{0,6};?/g)) {
    if (!['&amp;', '&lt;', '&gt;'].includes(match[0])) problems.push(`entity ${match[0]}`)
  }
  if (text.includes('\u0000')) problems.push('NUL')
  if ((text.match(/`/g)?.length ?? 0) % 2 !== 0) problems.push('an unclosed code span')
  return problems
}

function check(kind: string, payload: SlackPayload, seed: number, mentions: readonly string[] = []): void {
  expect(blockKitProblems(payload), `${kind}, seed ${seed}`).toEqual([])
  for (const text of mrkdwnTexts(payload))
    expect(unsafeParts(text, mentions), `${kind}, seed ${seed}: ${text}`).toEqual([])
}

/** The stakeholders' messages: inert, and with no run link, runbook, error or button. */
function checkPlain(kind: string, payload: SlackPayload, seed: number): void {
  check(kind, payload, seed)
  const texts = mrkdwnTexts(payload).join('\n')
  expect(texts, `${kind}, seed ${seed}`).not.toMatch(/<https?:/)
  expect(texts, `${kind}, seed ${seed}`).not.toContain('`')
  expect(
    (payload.blocks as { type: string }[]).filter((b) => b.type === 'actions'),
    `${kind}, seed ${seed}`,
  ).toEqual([])
}

describe('hostile text through every message kind', () => {
  it('arrives inert and within Block Kit’s limits (200 seeded cases)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed)
      const one = incident(next, { status: 'open' })
      const first = renderFirst([one])
      check('first', first, seed, declared)
      // The error stays in one code span, and a cut detail still ends with the run's link.
      const detail = (first.blocks[1] as { text: { text: string } }).text.text
      expect(detail.match(/`/g)?.length ?? 0, `seed ${seed}`).toBeLessThanOrEqual(2)
      expect(detail, `seed ${seed}`).toMatch(
        /(^|\n)<https:\/\/steward\.example\.com\/runs\/[^|]+\|Run 7d9c1a52>$/,
      )
      check(
        'grouped first',
        renderFirst(Array.from({ length: 1 + Math.floor(next() * 60) }, () => incident(next))),
        seed,
        declared,
      )
      checkPlain('stakeholders’ first', renderStakeholderFirst([incident(next)], products(next)), seed)
      checkPlain(
        'stakeholders’ grouped first',
        renderStakeholderFirst(
          Array.from({ length: 1 + Math.floor(next() * 60) }, () => incident(next, { product_id: 'churn' })),
          products(next),
        ),
        seed,
      )
      checkPlain(
        'stakeholders’ resolved',
        renderStakeholderResolved(incident(next), products(next).get('churn') as ProductView),
        seed,
      )
      check('follow-up', renderFollowUp(incident(next)), seed)
      check('resolved', renderResolved(incident(next), hostile(next)), seed)
      check('reminder', renderReminder(incident(next), hostile(next)), seed)
      check('delivery problem', renderDeliveryProblem(hostile(next), hostile(next), hostile(next)), seed)
      check(
        'digest',
        renderDigest({
          productName: hostile(next),
          period: 'weekly',
          runs: 3,
          failedRuns: 1,
          openIncidents: Array.from({ length: Math.floor(next() * 80) }, () => hostile(next)),
          lastSuccessAt: null,
          costUsd: 1.5,
        }),
        seed,
      )
      // The builders timer rules write details with.
      for (const text of [
        md`Last run that wrote ${hostile(next)} from ${hostile(next)}`.text,
        code(hostile(next)).text,
        link(`${runbook}${hostile(next)}`, hostile(next)).text,
      ]) {
        const found = unsafeParts(text).filter(
          (p) => !p.startsWith('token <https://wiki.example.com/runbooks/churn'),
        )
        expect(found, `builder, seed ${seed}: ${text}`).toEqual([])
      }
    }
  })

  it('the CSV header from the issue: no ping, no disguised link, and the words still read', () => {
    const header = '<!channel> <https://evil.example|click here>'
    const payload = renderFirst([
      {
        id: runId,
        title: `churn.score › ${header} failed`,
        detail: runDetail({ message: `bad header \`${header}\`` }, runLink(webUrl, runId)).text,
        severity: 'critical',
        status: 'open',
        runbook: null,
        fire_count: 1,
        acked_by: null,
        product_id: 'churn',
      },
    ])
    const texts = mrkdwnTexts(payload)
    expect(texts.join('\n')).not.toContain('<!channel>')
    expect(texts[1]).toBe(
      '*churn.score › &lt;!channel&gt; &lt;https://evil.example|click here&gt; failed*'.replace(
        /^/,
        ':red_circle: ',
      ),
    )
    expect(texts[2]).toBe(
      '`bad header ˋ&lt;!channel&gt; &lt;https://evil.example|click here&gt;ˋ`\n<https://steward.example.com/runs/7d9c1a52-0000-4000-8000-000000000001|Run 7d9c1a52>',
    )
  })
})
