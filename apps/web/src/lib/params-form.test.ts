import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defaultText, fieldName, paramFields, parseParams } from './params-form.ts'

// The schema exactly as deploy stores it (paramsJsonSchema in @steward/pipelines).
const schema = z.toJSONSchema(
  z.object({
    weeks: z.number().int().min(1).max(52).default(12).describe('Complete weeks to report'),
    until: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    region: z.enum(['eu', 'us']),
    ratio: z.number().max(1).optional(),
    dryRun: z.boolean().default(false),
    verbose: z.boolean().optional(),
    name: z.string().min(2),
    tags: z.array(z.string()).optional(),
    note: z.string().nullable().optional(),
    size: z.union([z.literal('s'), z.literal('m')]).optional(),
  }),
  { io: 'input' },
)

const form = (values: Record<string, string>) => {
  const data = new FormData()
  for (const [key, value] of Object.entries(values)) data.set(fieldName(key), value)
  return data
}

describe('params form', () => {
  const fields = paramFields(schema)

  it('makes one typed field per param, required ones first, then by name', () => {
    const byName = Object.fromEntries(fields.map((field) => [field.name, field]))
    expect(fields.map((field) => field.name)).toEqual([
      'region',
      'name',
      'dryRun',
      'note',
      'ratio',
      'size',
      'tags',
      'until',
      'verbose',
      'weeks',
    ])
    expect(byName.weeks).toMatchObject({
      kind: 'integer',
      required: false,
      defaultValue: 12,
      minimum: 1,
      maximum: 52,
      description: 'Complete weeks to report',
    })
    expect(byName.until).toMatchObject({ kind: 'string', required: false, pattern: '^\\d{4}-\\d{2}-\\d{2}$' })
    expect(byName.region).toMatchObject({ kind: 'enum', required: true, options: ['eu', 'us'] })
    expect(byName.ratio).toMatchObject({ kind: 'number', maximum: 1 })
    expect(byName.dryRun).toMatchObject({ kind: 'boolean', defaultValue: false })
    expect(byName.name).toMatchObject({ kind: 'string', required: true, minLength: 2 })
    expect(byName.tags?.kind).toBe('json')
    expect(byName.note?.kind).toBe('string')
    expect(byName.size).toMatchObject({ kind: 'enum', options: ['s', 'm'] })
    expect(byName.weeks && defaultText(byName.weeks)).toBe('12')
  })

  it('turns the submitted text into the types the schema wants, leaving empty fields to the defaults', () => {
    const data = form({ weeks: '8', until: '', region: 'us', ratio: '0.5', name: 'Ada', tags: '["a","b"]' })
    data.set(fieldName('dryRun'), 'on')
    data.set(fieldName('verbose'), 'false')
    expect(parseParams(fields, data)).toEqual({
      ok: true,
      params: {
        weeks: 8,
        region: 'us',
        ratio: 0.5,
        dryRun: true,
        verbose: false,
        name: 'Ada',
        tags: ['a', 'b'],
      },
    })
  })

  it('an unticked checkbox is false; an unset optional boolean is left out', () => {
    const parsed = parseParams(fields, form({ region: 'eu', name: 'Ada', verbose: '' }))
    expect(parsed).toEqual({ ok: true, params: { region: 'eu', dryRun: false, name: 'Ada' } })
  })

  it('names what is wrong, per field', () => {
    const parsed = parseParams(
      fields,
      form({ weeks: '2.5', until: '23/11/2026', region: 'mars', ratio: 'lots', name: 'A', tags: '[oops' }),
    )
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.errors).toEqual({
      weeks: 'Enter a whole number.',
      until: 'Does not match the expected format (^\\d{4}-\\d{2}-\\d{2}$).',
      region: 'Choose one of eu, us.',
      ratio: 'Enter a number.',
      name: 'At least 2 characters.',
      tags: 'Enter valid JSON.',
    })
    expect(parseParams(fields, form({ weeks: '99', region: 'eu', name: 'Ada' }))).toMatchObject({
      ok: false,
      errors: { weeks: 'At most 52.' },
    })
    expect(parseParams(fields, form({}))).toMatchObject({
      ok: false,
      errors: { region: 'Required.', name: 'Required.' },
    })
  })

  it('has no fields for a pipeline without params', () => {
    expect(paramFields(z.toJSONSchema(z.object({}), { io: 'input' }))).toEqual([])
    expect(paramFields({})).toEqual([])
    expect(paramFields(null)).toEqual([])
  })
})
