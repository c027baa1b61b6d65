import { createTransport } from 'nodemailer'
import type { AlertMessage } from './alert-message.ts'
import { answerText, type Receiver, type ReceiverFailure, ReceiverSendError } from './receiver.ts'

export interface EmailSettings {
  /** `smtp://user:password@host:587` or `smtps://…` (STEWARD_SMTP_URL). */
  smtpUrl: string
  /** The From header (STEWARD_EMAIL_FROM). */
  from: string
  timeoutMs?: number
}

/** An e-mail receiver per address, sharing one SMTP transport. */
export interface Mailer {
  receiverFor(address: string): Receiver
  close(): Promise<void>
}

/**
 * E-mail over SMTP with nodemailer: one plain-text and one HTML part, both from the same plain
 * text, HTML-escaped in the HTML part; the subject is one line, bounded. The Message-ID is the
 * notification's, so a client shows a message sent twice (a crash between the server's answer and
 * our record of it) once. An SMTP 4xx or a lost connection is retried; a 5xx is final.
 */
export function smtpMailer(settings: EmailSettings): Mailer {
  const timeout = settings.timeoutMs ?? 10_000
  const transport = createTransport(
    { url: settings.smtpUrl, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout },
    { from: settings.from },
  )
  const domain = /@([^>\s]+)>?\s*$/.exec(settings.from)?.[1] ?? 'steward.invalid'
  return {
    receiverFor(address: string): Receiver {
      return {
        kind: 'email',
        async send(message: AlertMessage) {
          const mail = renderEmail(message)
          try {
            await transport.sendMail({
              to: address,
              subject: mail.subject,
              text: mail.text,
              html: mail.html,
              messageId: `<steward-notification-${message.id}@${domain}>`,
            })
          } catch (error) {
            throw new ReceiverSendError(smtpFailure(error))
          }
        },
      }
    },
    async close() {
      transport.close()
    },
  }
}

export function smtpFailure(error: unknown): ReceiverFailure {
  const e = error as { responseCode?: number; response?: string; code?: string; message?: string }
  const detail = answerText(e.response ?? e.message ?? String(error))
  if (typeof e.responseCode === 'number') {
    const reason = `SMTP ${e.responseCode}`
    return e.responseCode >= 500
      ? { kind: 'permanent', reason, detail }
      : { kind: 'transient', reason, detail }
  }
  return { kind: 'transient', reason: `SMTP unreachable${e.code ? ` (${e.code})` : ''}`, detail }
}

const subjectMax = 200

/** The subject, text and HTML of a message: data is plain text, escaped for HTML where HTML is made. */
export function renderEmail(message: AlertMessage): { subject: string; text: string; html: string } {
  const incident = message.incident
  const what = incident ? incident.title : message.text
  const prefix =
    message.event === 'incident.resolved'
      ? 'Resolved'
      : message.event === 'incident.reminder'
        ? 'Still open'
        : message.event === 'digest'
          ? 'Digest'
          : message.event === 'delivery_problem'
            ? 'Delivery problem'
            : (incident?.severity ?? 'Alert').replace(/^./, (c) => c.toUpperCase())
  const subject = oneLine(`[Steward] ${prefix}: ${message.product.name}: ${what}`, subjectMax)
  const lines = [
    incident ? `${prefix}: ${incident.title}` : message.text,
    `Product: ${message.product.name}`,
    ...(incident?.detail ? ['', incident.detail] : []),
    ...(incident?.resolvedReason ? ['', `Resolved: ${incident.resolvedReason}`] : []),
    ...(incident?.acknowledgedBy ? [`Acknowledged by ${incident.acknowledgedBy}`] : []),
    ...(incident?.runbook ? [`Runbook: ${incident.runbook}`] : []),
    ...(message.product.url ? ['', message.product.url] : []),
  ]
  const text = lines.join('\n').replaceAll('\u0000', '\uFFFD')
  const html = `<!doctype html><html><body><pre style="font-family: inherit; white-space: pre-wrap">${escapeHtml(text)}</pre></body></html>`
  return { subject, text, html }
}

/** One line: a header cannot be split into two (no CR/LF, no control characters), cut with an ellipsis. */
function oneLine(value: string, max: number): string {
  const line = value.replace(/[\p{Cc}\s]+/gu, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}
