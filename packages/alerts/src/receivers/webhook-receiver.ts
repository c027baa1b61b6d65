import { createHmac } from 'node:crypto'
import type { AlertMessage } from './alert-message.ts'
import { httpFailure, networkFailure, type Receiver, ReceiverSendError } from './receiver.ts'

export interface WebhookSettings {
  url: string
  /** Signs every body: `X-Steward-Signature: sha256=<hex HMAC-SHA256(secret, body)>`. */
  secret: string
  timeoutMs?: number
}

export const signatureHeader = 'x-steward-signature'
export const idempotencyHeader = 'idempotency-key'

/** `sha256=<hex>` of the body's bytes, as the receiver must compute it to check a request. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`
}

/**
 * A generic webhook: `POST` of the `AlertMessage` as JSON (contract in docs/recipes/add-an-alert-rule.md,
 * "Receivers"), signed with the receiver's secret, with the notification's id as
 * `Idempotency-Key` (the same on every retry, so a receiver that saw it already can drop it).
 * 2xx is accepted; 408, 429 and 5xx are retried; any other 4xx is final.
 */
export function webhookReceiver(settings: WebhookSettings): Receiver {
  return {
    kind: 'webhook',
    async send(message: AlertMessage) {
      const body = JSON.stringify(message)
      let response: Response
      try {
        response = await fetch(settings.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Steward-Webhook/1',
            [signatureHeader]: signWebhookBody(settings.secret, body),
            [idempotencyHeader]: `steward-notification-${message.id}`,
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(settings.timeoutMs ?? 10_000),
        })
      } catch (error) {
        throw new ReceiverSendError(networkFailure(error, 'webhook'))
      }
      const failure = await httpFailure(response, 'webhook')
      if (failure) throw new ReceiverSendError(failure)
    },
  }
}
