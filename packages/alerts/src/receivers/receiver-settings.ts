import { type EmailSettings, type Mailer, smtpMailer } from './email-receiver.ts'
import { pagerdutyReceiver } from './pagerduty-receiver.ts'
import type { Receiver } from './receiver.ts'
import { parseReceiverDestination } from './receiver-destination.ts'
import { webhookReceiver } from './webhook-receiver.ts'

/**
 * The receivers this process can deliver to, from its environment (read by @steward/config:
 * STEWARD_WEBHOOK_<NAME>_URL/_SECRET, STEWARD_PAGERDUTY_<NAME>_ROUTING_KEY, STEWARD_PAGERDUTY_URL,
 * STEWARD_SMTP_URL, STEWARD_EMAIL_FROM). Names are the ones definitions use (`ops-alerts`).
 */
export interface ReceiverSettings {
  webhooks: Readonly<Record<string, { url: string; secret: string }>>
  pagerduty: Readonly<Record<string, { routingKey: string }>>
  pagerdutyUrl: string
  email: EmailSettings | undefined
}

export function hasReceivers(settings: ReceiverSettings | undefined): settings is ReceiverSettings {
  return (
    settings !== undefined &&
    (Object.keys(settings.webhooks).length > 0 ||
      Object.keys(settings.pagerduty).length > 0 ||
      settings.email !== undefined)
  )
}

/** Receivers by destination, made once each; undefined for a destination this process has no settings for. */
export interface ReceiverDirectory {
  receiverFor(destination: string): Receiver | undefined
  close(): Promise<void>
}

export function receiverDirectory(settings: ReceiverSettings): ReceiverDirectory {
  const made = new Map<string, Receiver | undefined>()
  let mailer: Mailer | undefined
  const make = (destination: string): Receiver | undefined => {
    const receiver = parseReceiverDestination(destination)
    if (!receiver) return undefined
    switch (receiver.kind) {
      case 'webhook': {
        const hook = Object.hasOwn(settings.webhooks, receiver.name)
          ? settings.webhooks[receiver.name]
          : undefined
        return hook ? webhookReceiver(hook) : undefined
      }
      case 'pagerduty': {
        const service = Object.hasOwn(settings.pagerduty, receiver.name)
          ? settings.pagerduty[receiver.name]
          : undefined
        return service
          ? pagerdutyReceiver({ baseUrl: settings.pagerdutyUrl, routingKey: service.routingKey })
          : undefined
      }
      case 'email':
        if (!settings.email) return undefined
        mailer ??= smtpMailer(settings.email)
        return mailer.receiverFor(receiver.address)
    }
  }
  return {
    receiverFor(destination) {
      if (!made.has(destination)) made.set(destination, make(destination))
      return made.get(destination)
    },
    async close() {
      await mailer?.close()
    },
  }
}

/** One line for the start banner: the receivers this process delivers to, never their secrets. */
export function describeReceivers(settings: ReceiverSettings | undefined): string | undefined {
  if (!hasReceivers(settings)) return undefined
  const webhooks = Object.keys(settings.webhooks)
  const services = Object.keys(settings.pagerduty)
  return [
    webhooks.length > 0 ? `webhook ${webhooks.join(', ')}` : '',
    services.length > 0 ? `PagerDuty ${services.join(', ')}` : '',
    settings.email ? 'e-mail over SMTP' : '',
  ]
    .filter(Boolean)
    .join('; ')
}
