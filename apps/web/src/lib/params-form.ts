/**
 * The "Run now" form, derived from the params JSON Schema stored at deploy (`pipelines.params_schema`,
 * zod's `toJSONSchema` with `io: 'input'`). Strings, numbers, integers, booleans and enums get a
 * field of their own; anything else (arrays, objects) is typed as JSON. Parsing the submitted form
 * turns text back into the types the schema wants and names what is wrong per field; the runtime
 * checks the params again against the same schema when the run is created.
 */
export type ParamFieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'json'

export interface ParamField {
  name: string
  kind: ParamFieldKind
  required: boolean
  /** The schema's default, applied by the worker when the field is left empty. */
  defaultValue?: unknown
  description?: string
  options?: (string | number | boolean)[]
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  /** `date`, `date-time`, `email`…: shown as a hint, and `date` gets a date picker. */
  format?: string
}

type Schema = Record<string, unknown>

const isObject = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The fields of a params schema: the required ones first, in the order of the schema's `required`
 * list, then the others by name. Not the order of `properties`: the schema is stored as jsonb,
 * which keeps object keys sorted by length, not as declared. An unreadable schema has no fields.
 */
export function paramFields(schema: unknown): ParamField[] {
  if (!isObject(schema) || !isObject(schema.properties)) return []
  const required = Array.isArray(schema.required) ? schema.required.map(String) : []
  const rank = (name: string) => {
    const index = required.indexOf(name)
    return index === -1 ? required.length : index
  }
  return Object.entries(schema.properties)
    .map(([name, property]) => field(name, property, required.includes(name)))
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name))
}

function field(name: string, raw: unknown, required: boolean): ParamField {
  const property = unwrapNullable(isObject(raw) ? raw : {})
  const base: ParamField = { name, kind: 'json', required }
  if (property.default !== undefined) {
    base.defaultValue = property.default
    // A default makes the field optional to whoever fills the form.
    base.required = false
  }
  if (typeof property.description === 'string') base.description = property.description
  const options = enumOptions(property)
  if (options) return { ...base, kind: 'enum', options }
  const type = property.type
  if (type === 'string') {
    const result: ParamField = { ...base, kind: 'string' }
    if (typeof property.minLength === 'number') result.minLength = property.minLength
    if (typeof property.maxLength === 'number') result.maxLength = property.maxLength
    if (typeof property.pattern === 'string') result.pattern = property.pattern
    if (typeof property.format === 'string') result.format = property.format
    return result
  }
  if (type === 'number' || type === 'integer') {
    const result: ParamField = { ...base, kind: type }
    const min = numberOr(property.minimum, property.exclusiveMinimum)
    const max = numberOr(property.maximum, property.exclusiveMaximum)
    if (min !== undefined) result.minimum = min
    if (max !== undefined) result.maximum = max
    return result
  }
  if (type === 'boolean') return { ...base, kind: 'boolean' }
  return base
}

/** A nullable field reads as its non-null type; a union of constants as an enum. */
function unwrapNullable(property: Schema): Schema {
  // `type: ['string', 'null']` (zod's nullable) reads as `type: 'string'`.
  if (Array.isArray(property.type)) {
    const types = property.type.filter((type) => type !== 'null')
    if (types.length === 1) return { ...property, type: types[0] }
  }
  const variants = Array.isArray(property.anyOf) ? property.anyOf.filter(isObject) : undefined
  if (!variants) return property
  const nonNull = variants.filter((variant) => variant.type !== 'null')
  if (nonNull.length === 1 && nonNull[0]) {
    const { anyOf: _anyOf, ...rest } = property
    return { ...nonNull[0], ...rest }
  }
  // A union of constants (`z.union([z.literal('a'), z.literal('b')])`) is an enum too.
  if (nonNull.every((variant) => 'const' in variant))
    return { ...property, enum: nonNull.map((v) => v.const) }
  return property
}

function enumOptions(property: Schema): (string | number | boolean)[] | undefined {
  const values = Array.isArray(property.enum)
    ? property.enum
    : 'const' in property
      ? [property.const]
      : undefined
  if (!values) return undefined
  const scalars = values.filter(
    (value): value is string | number | boolean =>
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean',
  )
  return scalars.length === values.length && scalars.length > 0 ? scalars : undefined
}

function numberOr(...values: unknown[]): number | undefined {
  return values.find((value): value is number => typeof value === 'number')
}

/** Where the form field for a param is named (`param.week`), so other form fields cannot collide. */
export const fieldName = (param: string) => `param.${param}`

export type ParsedParams =
  | { ok: true; params: Record<string, unknown> }
  | { ok: false; errors: Record<string, string>; params: Record<string, unknown> }

/**
 * The params in a submitted form: empty fields are left out (the worker applies defaults), text
 * becomes numbers, booleans, enum values or JSON as the schema says. Errors are per param name,
 * one sentence each, for the form to show beside the field.
 */
export function parseParams(
  fields: readonly ParamField[],
  form: { get(name: string): unknown },
): ParsedParams {
  const params: Record<string, unknown> = {}
  const errors: Record<string, string> = {}
  for (const f of fields) {
    const raw = form.get(fieldName(f.name))
    const text = typeof raw === 'string' ? raw.trim() : ''
    if (f.kind === 'boolean') {
      // A checkbox sends "on" when ticked and nothing when not; the select of an optional boolean sends "".
      if (text === 'on' || text === 'true') params[f.name] = true
      else if (
        text === 'false' ||
        (text === '' && raw === null && (f.required || f.defaultValue !== undefined))
      )
        params[f.name] = false
      continue
    }
    if (text === '') {
      if (f.required) errors[f.name] = 'Required.'
      continue
    }
    const parsed = parseValue(f, text)
    if ('error' in parsed) errors[f.name] = parsed.error
    else params[f.name] = parsed.value
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors, params } : { ok: true, params }
}

function parseValue(f: ParamField, text: string): { value: unknown } | { error: string } {
  switch (f.kind) {
    case 'string': {
      if (f.minLength !== undefined && text.length < f.minLength) {
        return { error: `At least ${f.minLength} characters.` }
      }
      if (f.maxLength !== undefined && text.length > f.maxLength) {
        return { error: `At most ${f.maxLength} characters.` }
      }
      if (f.pattern !== undefined && !safeRegExp(f.pattern)?.test(text)) {
        return { error: `Does not match the expected format (${f.pattern}).` }
      }
      return { value: text }
    }
    case 'number':
    case 'integer': {
      const value = Number(text)
      if (!Number.isFinite(value)) return { error: 'Enter a number.' }
      if (f.kind === 'integer' && !Number.isInteger(value)) return { error: 'Enter a whole number.' }
      if (f.minimum !== undefined && value < f.minimum) return { error: `At least ${f.minimum}.` }
      if (f.maximum !== undefined && value > f.maximum) return { error: `At most ${f.maximum}.` }
      return { value }
    }
    case 'enum': {
      const option = f.options?.find((candidate) => String(candidate) === text)
      return option === undefined ? { error: `Choose one of ${f.options?.join(', ')}.` } : { value: option }
    }
    case 'json':
      try {
        return { value: JSON.parse(text) as unknown }
      } catch {
        return { error: 'Enter valid JSON.' }
      }
    default:
      return { value: text }
  }
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern)
  } catch {
    return undefined
  }
}

/** The text a field shows before anyone types: the default, as the form writes it. */
export function defaultText(f: ParamField): string {
  if (f.defaultValue === undefined) return ''
  return typeof f.defaultValue === 'string' ? f.defaultValue : JSON.stringify(f.defaultValue)
}
