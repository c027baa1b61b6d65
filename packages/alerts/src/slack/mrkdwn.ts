/**
 * Slack mrkdwn built safely. Text from data, definitions or people (titles, error messages, product
 * and step names, labels, log lines, user names) is hostile: a CSV header `<!channel>` would ping a
 * whole channel and `<https://evil|click here>` would disguise a link. Slack reads `<…>` as a
 * mention or a link and `&…;` as an entity, so `&`, `<` and `>` from data become `&amp;`, `&lt;`
 * and `&gt;`; a backtick from data would end a code span, so inside one it becomes `ˋ`.
 *
 * A `Mrkdwn` value is text already safe to post: only the functions here make one, so a place that
 * takes `Mrkdwn` (an incident's detail) cannot be handed raw data by mistake.
 */
export class Mrkdwn {
  private constructor(readonly text: string) {}

  /** Text Steward wrote itself, with no data in it (tests and constants). */
  static trusted(text: string): Mrkdwn {
    return new Mrkdwn(text)
  }

  /** An empty detail. */
  static readonly empty = new Mrkdwn('')
}

/**
 * Replaces what PostgreSQL refuses (NUL) and what Slack would read as markup: `&`, `<`, `>`, and
 * backticks (`ˋ`), which would open a code span that swallows the rest of the message.
 */
export function escapeMrkdwn(value: string): string {
  return value
    .replaceAll('\u0000', '\uFFFD')
    .replaceAll('`', 'ˋ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

/**
 * mrkdwn from a template: interpolated strings and numbers are escaped, `Mrkdwn` values go in as
 * they are. @example md`${pipelineName} failed: ${code(error)}`
 */
export function md(parts: TemplateStringsArray, ...values: readonly (string | number | Mrkdwn)[]): Mrkdwn {
  let out = parts[0] ?? ''
  values.forEach((value, i) => {
    out += value instanceof Mrkdwn ? value.text : escapeMrkdwn(String(value))
    out += parts[i + 1] ?? ''
  })
  return Mrkdwn.trusted(out)
}

/** Plain text as mrkdwn (escaped). */
export function plainText(value: string): Mrkdwn {
  return Mrkdwn.trusted(escapeMrkdwn(value))
}

/**
 * A code span of one line: backticks from data become `ˋ` (so it cannot be closed early), line
 * breaks become spaces, and it is cut at `max` characters. Empty text gives nothing.
 */
export function code(value: string, max = 500): Mrkdwn {
  const line = value.replace(/[\r\n]+/g, ' ').trim()
  if (line === '') return Mrkdwn.empty
  return Mrkdwn.trusted(`\`${escapeMrkdwn(cutText(line, max))}\``)
}

/** Bold plain text (asterisks from data would end the bold early, so they become `∗`). */
export function bold(value: string): Mrkdwn {
  const text = value.replace(/\*/g, '∗').trim()
  return text === '' ? Mrkdwn.empty : Mrkdwn.trusted(`*${escapeMrkdwn(text)}*`)
}

/**
 * A link `<url|label>`. Only http(s) URLs become links; `|`, `<`, `>` and spaces in the URL are
 * percent-encoded so it cannot end early; anything else shows as text.
 */
export function link(url: string, label: string): Mrkdwn {
  const safeLabel = escapeMrkdwn(label.replace(/[\r\n]+/g, ' ')) || 'link'
  if (!/^https?:\/\/\S+$/i.test(url)) return Mrkdwn.trusted(safeLabel)
  const safeUrl = url.replace(
    /[\p{Cc}|<>\s"`]/gu,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  )
  return Mrkdwn.trusted(`<${safeUrl.replace(/&/g, '&amp;')}|${safeLabel}>`)
}

/** Joins mrkdwn pieces, leaving out empty ones. */
export function joinMrkdwn(pieces: readonly Mrkdwn[], separator: string): Mrkdwn {
  return Mrkdwn.trusted(
    pieces
      .map((piece) => piece.text)
      .filter((text) => text !== '')
      .join(escapeMrkdwn(separator)),
  )
}

/** Plain text cut to `max` characters with an ellipsis, never inside a surrogate pair. */
export function cutText(value: string, max: number): string {
  if (value.length <= max) return value
  let end = Math.max(0, max - 1)
  if (isHighSurrogate(value.charCodeAt(end - 1))) end -= 1
  return `${value.slice(0, end)}…`
}

/**
 * mrkdwn cut to `max` characters with an ellipsis, never inside a `<…>` token, an `&…;` entity or a
 * surrogate pair, and closing a code span the cut left open. When the text ends with a line that
 * is a single link (the run's), that line is kept after the cut: the full text is one click away.
 */
export function fitMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text
  const lastBreak = text.lastIndexOf('\n')
  const lastLine = text.slice(lastBreak + 1)
  const keep = lastBreak > 0 && /^<https?:\/\/[^<>\s]+\|[^<>]*>$/.test(lastLine) && lastLine.length < max / 2
  const tail = keep ? `\n${lastLine}` : ''
  const body = keep ? text.slice(0, lastBreak) : text
  // Room for the ellipsis and a closing backtick.
  let end = Math.max(0, max - tail.length - 2)
  const open = body.lastIndexOf('<', end)
  const close = open === -1 ? -1 : body.indexOf('>', open)
  if (open !== -1 && (close === -1 || close >= end)) end = open
  const amp = body.lastIndexOf('&', end)
  if (amp !== -1 && end - amp < 8 && !body.slice(amp, end).includes(';')) end = amp
  if (isHighSurrogate(body.charCodeAt(end - 1))) end -= 1
  let cut = body.slice(0, end)
  const openCode = (cut.match(/`/g)?.length ?? 0) % 2 === 1
  cut = `${cut}…${openCode ? '`' : ''}`
  return `${cut}${tail}`
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}
