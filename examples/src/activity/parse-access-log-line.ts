import type { AccessLogLine, HttpMethod } from '../access-logs/access-log-line.ts'

export type ParsedLine = { ok: true; line: AccessLogLine } | { ok: false; reason: string }

const methods = new Set<string>(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'])

/**
 * One JSON line of an access log, checked field by field. Logs are messy (a line cut off when a
 * server restarts), so a bad line is a result to count, not an exception.
 *
 * @example
 * const parsed = parseAccessLogLine('{"timestamp":"2026-11-02T15:24:43.584Z",…}')
 * if (parsed.ok) console.log(parsed.line.path)
 */
export function parseAccessLogLine(text: string): ParsedLine {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'not JSON' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'not a JSON object' }
  }
  const v = value as Record<string, unknown>
  if (typeof v.timestamp !== 'string' || Number.isNaN(Date.parse(v.timestamp))) {
    return { ok: false, reason: 'timestamp is not an ISO date' }
  }
  if (typeof v.method !== 'string' || !methods.has(v.method)) return { ok: false, reason: 'bad method' }
  if (typeof v.path !== 'string' || !v.path.startsWith('/')) return { ok: false, reason: 'bad path' }
  if (typeof v.response_code !== 'number') return { ok: false, reason: 'response_code is not a number' }
  if (typeof v.host !== 'string' || v.host === '') return { ok: false, reason: 'host is missing' }
  if (v.user_id !== undefined && typeof v.user_id !== 'string') {
    return { ok: false, reason: 'user_id is not a string' }
  }
  if (v.session !== undefined && typeof v.session !== 'string') {
    return { ok: false, reason: 'session is not a string' }
  }
  const line: AccessLogLine = {
    timestamp: v.timestamp,
    user_id: v.user_id,
    session: v.session,
    ip: typeof v.ip === 'string' ? v.ip : '',
    method: v.method as HttpMethod,
    path: v.path,
    response_code: v.response_code,
    latency: typeof v.latency === 'number' ? v.latency : 0,
    content_length: typeof v.content_length === 'number' ? v.content_length : 0,
    user_agent: typeof v.user_agent === 'string' ? v.user_agent : '',
    referer: typeof v.referer === 'string' ? v.referer : null,
    request_id: typeof v.request_id === 'string' ? v.request_id : '',
    host: v.host,
  }
  return { ok: true, line }
}
