import type { AlertMessage } from './alert-message.ts'
import type { ReceiverKind } from './receiver-destination.ts'

/**
 * One destination besides Slack: a webhook, a PagerDuty service or an e-mail address. One small
 * interface, implementations side by side (`webhook-receiver.ts`, `pagerduty-receiver.ts`,
 * `email-receiver.ts`), as `SlackTransport` is for Slack. `send` resolves once the receiver
 * accepted the message, or throws a `ReceiverSendError` saying whether another try can help.
 */
export interface Receiver {
  readonly kind: ReceiverKind
  send(message: AlertMessage): Promise<void>
  close?(): Promise<void>
}

/**
 * Why a send failed, as delivery must act on it: try again later (`retryAfterMs` when the receiver
 * said when: 429 or 408 with Retry-After), or give up on this notification for good (a 4xx, a
 * PagerDuty 400, an SMTP 5xx). `reason` is short and stable (it keys the owners' warning);
 * `detail` is what the receiver said, bounded.
 */
export type ReceiverFailure =
  | { kind: 'transient'; reason: string; retryAfterMs?: number; detail?: string }
  | { kind: 'permanent'; reason: string; detail?: string }

export class ReceiverSendError extends Error {
  constructor(readonly failure: ReceiverFailure) {
    super(`${failure.reason}${failure.detail ? `: ${failure.detail}` : ''}`)
    this.name = 'ReceiverSendError'
  }
}

/** What a receiver answered, made safe to store and show: control characters out, 200 characters at most. */
export function answerText(value: string): string {
  const line = value.replace(/[\p{Cc}\s]+/gu, ' ').trim()
  return line.length > 200 ? `${line.slice(0, 199)}…` : line
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined
  const seconds = Number(header.trim())
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000)
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/**
 * An HTTP answer as a failure, or undefined for a 2xx. A 4xx is final except 408 (timeout) and
 * 429 (rate limited), and so is a 3xx; a 5xx may pass on another try.
 */
export async function httpFailure(response: Response, who: string): Promise<ReceiverFailure | undefined> {
  if (response.ok) return undefined
  const detail = answerText(await response.text().catch(() => ''))
  const reason = `${who} answered HTTP ${response.status}`
  const status = response.status
  if (status === 408 || status === 429) {
    const after = retryAfterMs(response.headers.get('retry-after'))
    return { kind: 'transient', reason, ...(after !== undefined ? { retryAfterMs: after } : {}), detail }
  }
  if (status >= 400 && status < 500) return { kind: 'permanent', reason, detail }
  // Redirects are not followed (a signed body must not be replayed elsewhere): the URL needs fixing.
  if (status >= 300 && status < 400)
    return { kind: 'permanent', reason, detail: 'redirects are not followed: set the final URL' }
  return { kind: 'transient', reason, detail }
}

/** A network error or timeout (fetch throws): the receiver may be back soon. */
export function networkFailure(error: unknown, who: string): ReceiverFailure {
  const cause = (error as { cause?: { code?: string } })?.cause?.code
  const message = error instanceof Error ? error.message : String(error)
  return {
    kind: 'transient',
    reason: `${who} unreachable`,
    detail: answerText(cause ? `${cause}: ${message}` : message),
  }
}
