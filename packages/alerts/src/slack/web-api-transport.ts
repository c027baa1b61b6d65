import { WebClient } from '@slack/web-api'
import { type SlackFailure, SlackSendError, type SlackTransport } from './slack-transport.ts'

export interface WebApiTransportOptions {
  token: string
  /** Default Slack's own; any Slack-compatible server for tests and staging. */
  apiUrl?: string
  timeoutMs?: number
}

/** Platform errors that another try cannot fix. */
const transientPlatformErrors = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
])

/**
 * Slack through `@slack/web-api`. The client's own 429 handling pauses every call on it, all
 * channels at once, and its retries would hide failures from the outbox: both are off
 * (`rejectRateLimitedCalls`, no retries), and the delivery loop paces and retries per channel.
 */
export function webApiTransport(options: WebApiTransportOptions): SlackTransport {
  const client = new WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: options.timeoutMs ?? 10_000,
  })
  return {
    kind: 'slack',
    async postMessage({ channel, payload, threadTs }) {
      try {
        const answer = await client.chat.postMessage({
          channel,
          text: payload.text,
          blocks: payload.blocks as never,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          unfurl_links: false,
        })
        return { channel: answer.channel ?? channel, ts: answer.ts ?? '' }
      } catch (error) {
        throw new SlackSendError(classify(error))
      }
    },
    async update({ channel, ts, payload }) {
      try {
        await client.chat.update({ channel, ts, text: payload.text, blocks: payload.blocks as never })
      } catch (error) {
        throw new SlackSendError(classify(error))
      }
    },
  }
}

export function classify(error: unknown): SlackFailure {
  const e = error as {
    code?: string
    retryAfter?: number
    statusCode?: number
    data?: { error?: string }
    message?: string
  }
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return {
        kind: 'rate_limited',
        retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000,
        reason: 'rate limited (429)',
      }
    case 'slack_webapi_http_error':
      return (e.statusCode ?? 500) >= 500 || e.statusCode === 408
        ? { kind: 'transient', reason: `HTTP ${e.statusCode}` }
        : { kind: 'permanent', reason: `HTTP ${e.statusCode}` }
    case 'slack_webapi_platform_error': {
      const reason = e.data?.error ?? 'unknown_error'
      return transientPlatformErrors.has(reason)
        ? { kind: 'transient', reason }
        : { kind: 'permanent', reason }
    }
    default:
      // RequestError (network, timeout) and anything unexpected: Slack may be unreachable for a while.
      return { kind: 'transient', reason: `network: ${(e.message ?? String(error)).slice(0, 200)}` }
  }
}
