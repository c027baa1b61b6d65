import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Slack's request signing (v0): `v0=` + hex HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`)
 * in `X-Slack-Signature`, the timestamp in `X-Slack-Request-Timestamp`. A timestamp more than five
 * minutes away from now is refused, so a captured request cannot be replayed later.
 */
export function verifySlackSignature(input: {
  signingSecret: string
  timestamp: string | null
  signature: string | null
  rawBody: string
  nowMs?: number
}): { ok: true } | { ok: false; reason: string } {
  if (!input.signingSecret) return { ok: false, reason: 'no SLACK_SIGNING_SECRET configured' }
  if (!input.timestamp || !/^\d+$/.test(input.timestamp)) return { ok: false, reason: 'missing timestamp' }
  const ageS = Math.abs((input.nowMs ?? Date.now()) / 1000 - Number(input.timestamp))
  if (ageS > 300) return { ok: false, reason: 'stale timestamp' }
  if (!input.signature?.startsWith('v0=')) return { ok: false, reason: 'missing signature' }
  const expected = `v0=${createHmac('sha256', input.signingSecret).update(`v0:${input.timestamp}:${input.rawBody}`).digest('hex')}`
  const a = Buffer.from(expected)
  const b = Buffer.from(input.signature)
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'bad signature' }
  return { ok: true }
}

/** Signs a body the way Slack does (tests and the local Slack server). */
export function signSlackBody(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`
}
