import type { SlackPayload } from '@steward/db'

/**
 * What delivery needs from Slack: post (top level or in a thread) and update. One small interface
 * with implementations side by side: the Web API (`web-api-transport.ts`) and none at all
 * (no token: such a process runs no delivery, and its notifications wait for one that has a token).
 */
export interface SlackTransport {
  readonly kind: 'slack' | 'none'
  postMessage(message: {
    channel: string
    payload: SlackPayload
    threadTs?: string
  }): Promise<{ channel: string; ts: string }>
  update(message: { channel: string; ts: string; payload: SlackPayload }): Promise<void>
}

/**
 * Why a call failed, as delivery must act on it: wait `retryAfterMs` (429), back off and retry
 * (5xx, network), or give up on this notification with the reason (channel_not_found…).
 */
export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number; reason: string }
  | { kind: 'transient'; reason: string }
  | { kind: 'permanent'; reason: string }

export class SlackSendError extends Error {
  constructor(readonly failure: SlackFailure) {
    super(`slack: ${failure.reason}`)
    this.name = 'SlackSendError'
  }
}

export const noSlack: SlackTransport = {
  kind: 'none',
  postMessage: () => Promise.reject(new SlackSendError({ kind: 'permanent', reason: 'no SLACK_BOT_TOKEN' })),
  update: () => Promise.reject(new SlackSendError({ kind: 'permanent', reason: 'no SLACK_BOT_TOKEN' })),
}
