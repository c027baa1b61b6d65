/**
 * Slack mrkdwn (an incident's detail, a message's fallback text) as plain text for receivers that
 * are not Slack: links become `label (url)`, mentions a readable `@…`, entities their characters.
 * The result is plain text again, to be escaped for its own medium (HTML in an e-mail).
 */
export function mrkdwnToPlain(text: string): string {
  return text
    .replace(/<([^<>]*)>/g, (_, inner: string) => {
      const [target = '', label] = inner.split('|', 2) as [string, string | undefined]
      if (target.startsWith('!subteam^')) return `@${label ?? target.slice('!subteam^'.length)}`
      if (target.startsWith('!')) return `@${label ?? target.slice(1)}`
      if (target.startsWith('@')) return `@${label ?? target.slice(1)}`
      if (target.startsWith('#')) return `#${label ?? target.slice(1)}`
      return label && label !== target ? `${label} (${target})` : target
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}
