/** The JSON object a POST carries, or why it is not one. An empty body reads as `{}`. */
export type JsonBody = { ok: true; value: Record<string, unknown> } | { ok: false; message: string }

export async function readJsonBody(request: Request, shape: string): Promise<JsonBody> {
  const text = await request.text()
  if (text.trim() === '') return { ok: true, value: {} }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { ok: false, message: `the body is not JSON: send ${shape} or nothing` }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: `the body must be a JSON object: ${shape}` }
  }
  return { ok: true, value: parsed as Record<string, unknown> }
}

/** `body.params`, which must be an object when present. */
export function paramsOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const params = body.params ?? {}
  return typeof params === 'object' && params !== null && !Array.isArray(params)
    ? (params as Record<string, unknown>)
    : undefined
}
