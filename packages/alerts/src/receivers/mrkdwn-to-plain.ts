/**
 * Slack mrkdwn (an incident's detail, a message's fallback text) as plain text for receivers that
 * are not Slack: links become `label (url)`, mentions a readable `@…`, entities their characters.
 * The result is plain text again, to be escaped for its own medium (HTML in an e-mail).
 */
export function mrkdwnToPlain(text: string): string {
  return text
    .replace(/<([^<>]*)>/g, (_, inner: string) => {
      const bar = inner.indexOf('|')
      const target = bar === -1 ? inner : inner.slice(0, bar)
      const label = bar === -1 ? undefined : inner.slice(bar + 1)
      const mention = (id: string) => `@${(label ?? id).replace(/^@/, '')}`
      if (target.startsWith('!subteam^')) return mention(target.slice('!subteam^'.length))
      if (target.startsWith('!') || target.startsWith('@')) return mention(target.slice(1))
      if (target.startsWith('#')) return `#${(label ?? target.slice(1)).replace(/^#/, '')}`
      return label && label !== target ? `${label} (${target})` : target
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}
