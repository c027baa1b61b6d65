import { describe, expect, it } from 'vitest'
import { usageEventSchema, validateBatch } from './event-schema.ts'

describe('validateBatch', () => {
  it('keeps the valid events and names the index and field of each bad one', () => {
    const { valid, rejected } = validateBatch([
      { product: 'p', kind: 'view', actor: 'ana@x.io' },
      { product: 'p', kind: 'View!', actor: 'ana@x.io' },
      { product: 'p', actor: 'bo' },
      'not an event',
      { product: 'p', kind: 'query', actor: 'bo', at: 'yesterday' },
      {
        product: 'p',
        kind: 'query',
        actor: 'bo',
        at: '2026-03-01T10:00:00+01:00',
        id: 'e1',
        meta: { rows: 3 },
      },
      {
        product: 'p',
        kind: 'custom_kind',
        actor: 'bo',
        at: Date.parse('2026-03-01T10:00:00Z'),
        colour: 'red',
      },
      { product: 'p', kind: 'download', actor: '  ', meta: [1] },
    ])
    expect(valid.map((v) => v.index)).toEqual([0, 5])
    expect(valid[1]?.event.at?.toISOString()).toBe('2026-03-01T09:00:00.000Z')
    expect(rejected).toEqual([
      { index: 1, field: 'kind', message: expect.stringContaining('view, query, download, api_call') },
      { index: 2, field: 'kind', message: 'is required' },
      { index: 3, field: '', message: expect.stringContaining('must be an object') },
      { index: 4, field: 'at', message: expect.stringContaining('ISO 8601') },
      { index: 6, field: '', message: expect.stringContaining('unknown field "colour"') },
      { index: 7, field: 'actor', message: 'must not be empty' },
    ])
  })

  it('refuses times before 2000 and more than a day ahead', () => {
    const { rejected } = validateBatch([
      { product: 'p', kind: 'view', actor: 'a', at: '1999-12-31T23:59:59Z' },
      { product: 'p', kind: 'view', actor: 'a', at: Date.now() + 2 * 86_400_000 },
    ])
    expect(rejected.map((r) => [r.index, r.field])).toEqual([
      [0, 'at'],
      [1, 'at'],
    ])
  })
})

describe('the fast path of validateBatch', () => {
  it('agrees with the schema on valid and nearly valid events', () => {
    const base = {
      product: ' p ',
      kind: 'view',
      actor: ' a ',
      at: '2026-03-01T10:00:00.5+01:00',
      source: 's',
      id: 'i',
    }
    const cases: unknown[] = [
      base,
      { ...base, meta: { a: 1 } },
      { ...base, meta: [] },
      { ...base, meta: null },
      { ...base, at: 1_800_000_000_000 },
      { ...base, at: '2026-03-01' },
      { ...base, at: Number.NaN },
      { ...base, id: '' },
      { ...base, source: 'x'.repeat(101) },
      { ...base, kind: 'api_call' },
      { ...base, kind: 'a'.repeat(33) },
      { ...base, product: 'x'.repeat(201) },
      { ...base, extra: 1 },
      { product: 'p', kind: 'view', actor: 'a', at: undefined },
    ]
    for (const event of cases) {
      const viaBatch = validateBatch([event])
      const viaSchema = usageEventSchema.safeParse(event)
      expect({ event, ok: viaBatch.valid.length === 1 }).toEqual({ event, ok: viaSchema.success })
      if (viaSchema.success) expect(viaBatch.valid[0]?.event).toEqual(viaSchema.data)
    }
  })
})
