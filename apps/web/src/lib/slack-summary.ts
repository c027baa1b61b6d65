import type { SlackPayload } from '@steward/db'
import { decodeEntities, emoji } from './mrkdwn.ts'

/** A stored Slack message as people read it on a page: its text lines and its buttons. */
export interface SlackSummary {
  /** The fallback text (notifications and screen readers show it). */
  text: string
  /** Each block's text, in order, with Slack's mrkdwn and emoji codes turned into plain words. */
  lines: string[]
  /** Labels of the buttons the message carries (Acknowledge, Snooze 1h…). */
  buttons: string[]
  /** Each block's text as Slack reads it (mrkdwn), in order: `SlackText` shows it as Slack does. */
  mrkdwn: string[]
}

/**
 * What a notification says, from its stored payload: for rows not sent yet (or recorded only) this
 * is exactly what Slack will show, and for sent ones what it did show. Unknown block types are skipped.
 */
export function summariseSlackPayload(payload: SlackPayload | null | undefined): SlackSummary {
  const lines: string[] = []
  const buttons: string[] = []
  const mrkdwn: string[] = []
  for (const block of Array.isArray(payload?.blocks) ? payload.blocks : []) {
    if (!block || typeof block !== 'object') continue
    const { type, text, elements, fields } = block as {
      type?: unknown
      text?: { text?: unknown }
      elements?: unknown
      fields?: unknown
    }
    if (typeof text?.text === 'string') {
      lines.push(...plainLines(text.text))
      mrkdwn.push(text.text)
    }
    if (Array.isArray(fields)) {
      for (const field of fields) {
        const value = (field as { text?: unknown })?.text
        if (typeof value === 'string') {
          lines.push(...plainLines(value))
          mrkdwn.push(value)
        }
      }
    }
    if (Array.isArray(elements)) {
      for (const element of elements) {
        // Buttons carry `text: { text }`; context elements carry `text` itself.
        const text = (element as { text?: unknown })?.text
        const label = typeof text === 'string' ? text : (text as { text?: unknown } | undefined)?.text
        if (typeof label !== 'string') continue
        if (type === 'actions') buttons.push(label)
        else {
          lines.push(...plainLines(label))
          mrkdwn.push(label)
        }
      }
    }
  }
  return { text: typeof payload?.text === 'string' ? payload.text : '', lines, buttons, mrkdwn }
}

/** Slack mrkdwn to plain text: `<url|label>` → label, `*bold*`/`~strike~` markers dropped, known `:emoji:` → a plain character or nothing. */
export function plainMrkdwn(text: string): string {
  return text
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/:([a-z0-9_+-]+):\s?/g, (whole, name: string) => {
      const char = emoji[name]
      return char === undefined ? whole : char && `${char} `
    })
    .replace(/(^|[\s(])[*~_]([^*~_\n]+)[*~_](?=$|[\s).,:;!?])/g, '$1$2')
    .replace(/&(amp|lt|gt);/g, (entity) => decodeEntities(entity))
}

function plainLines(text: string): string[] {
  return plainMrkdwn(text)
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
}
