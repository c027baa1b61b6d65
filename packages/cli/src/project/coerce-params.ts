import { cliError } from '../errors.ts'

/**
 * `--param k=v` values arrive as strings; the pipeline's params schema (JSON Schema, stored at
 * deploy) says what each should be. Numbers, booleans and JSON objects/arrays are converted; the
 * runtime then checks the whole object against the schema and names any field that is wrong.
 */
export function coerceParams(
  raw: Record<string, string>,
  schema: Record<string, unknown>,
  pipelineId: string,
): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, { type?: string | string[] }>
  const params: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) {
    const declared = properties[key]?.type
    const types = Array.isArray(declared) ? declared : declared ? [declared] : []
    params[key] = convert(value, types, key, pipelineId)
  }
  return params
}

function convert(value: string, types: string[], key: string, pipelineId: string): unknown {
  if (types.includes('string') || types.length === 0) return value
  if (types.includes('integer') || types.includes('number')) {
    const n = Number(value)
    if (value.trim() === '' || Number.isNaN(n)) {
      throw cliError('PARAMS_INVALID', `--param ${key}: "${value}" is not a number (pipeline ${pipelineId})`)
    }
    return n
  }
  if (types.includes('boolean')) {
    if (value === 'true' || value === 'false') return value === 'true'
    throw cliError(
      'PARAMS_INVALID',
      `--param ${key}: "${value}" is not true or false (pipeline ${pipelineId})`,
    )
  }
  try {
    return JSON.parse(value)
  } catch {
    throw cliError('PARAMS_INVALID', `--param ${key}: "${value}" is not JSON (pipeline ${pipelineId})`)
  }
}
