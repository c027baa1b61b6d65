/**
 * The part of Slack's mrkdwn Steward's messages use, parsed into a tree a page renders as
 * elements (`components/slack-text.tsx`), so a message reads on the page as it does in Slack:
 * `*bold*`, `~strike~`, `` `code` ``, links `<https://…|label>`, line breaks, the emoji codes the
 * alerts use, the owners' mentions (`<@U…>`, `<!subteam^S…>`, shown as `@U…`, `@S…`) and the
 * entities `&amp;` `&lt;` `&gt;`. Anything else stays text: `<!channel>` or a link to anything but
 * http(s) shows as the words it is, never as markup.
 */
export type MrkdwnNode =
  | { kind: 'text'; text: string }
  | { kind: 'break' }
  | { kind: 'code'; text: string }
  | { kind: 'link'; url: string; label: string }
  | { kind: 'bold' | 'strike'; children: MrkdwnNode[] }

// Slack's emoji codes the alert messages use, as characters every font has: the severity is on
// the page already, so its coloured circles are dropped rather than drawn as missing glyphs.
export const emoji: Readonly<Record<string, string>> = {
  red_circle: '',
  large_orange_circle: '',
  large_blue_circle: '',
  rotating_light: '',
  alarm_clock: '',
  white_check_mark: '✓',
  repeat: '↻',
  warning: '⚠',
  // Acknowledged, snoozed: the words say it.
  eyes: '',
  zzz: '',
}

/** `&amp;`, `&lt;`, `&gt;` back to the characters they stand for (Slack decodes no others). */
export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : '>',
  )
}

const boundaryBefore = /[\s([{"'“‘]/
const boundaryAfter = /[\s)\]}.,:;!?"'”’]/

export function parseMrkdwn(text: string): MrkdwnNode[] {
  const nodes: MrkdwnNode[] = []
  let plain = ''
  const flush = () => {
    if (plain !== '') nodes.push({ kind: 'text', text: decodeEntities(plain) })
    plain = ''
  }
  let i = 0
  while (i < text.length) {
    const c = text[i] as string
    if (c === '\n') {
      flush()
      nodes.push({ kind: 'break' })
      i++
      continue
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1)
      if (end > i + 1 && !text.slice(i + 1, end).includes('\n')) {
        flush()
        nodes.push({ kind: 'code', text: decodeEntities(text.slice(i + 1, end)) })
        i = end + 1
        continue
      }
    }
    if (c === '<') {
      const end = text.indexOf('>', i + 1)
      const token = end === -1 ? '' : text.slice(i + 1, end)
      const mention = /^(?:@|!subteam\^)([UWS][A-Z0-9]{8,})$/.exec(token)
      if (mention) {
        plain += `@${mention[1]}`
        i = end + 1
        continue
      }
      const link = /^(https?:\/\/[^|\s]+)(?:\|(.*))?$/s.exec(token)
      if (link) {
        flush()
        const url = decodeEntities(link[1] as string)
        nodes.push({ kind: 'link', url, label: decodeEntities(link[2] ?? url) })
        i = end + 1
        continue
      }
    }
    if ((c === '*' || c === '~') && (i === 0 || boundaryBefore.test(text[i - 1] as string))) {
      const end = closingMark(text, i, c)
      if (end !== -1) {
        flush()
        nodes.push({ kind: c === '*' ? 'bold' : 'strike', children: parseMrkdwn(text.slice(i + 1, end)) })
        i = end + 1
        continue
      }
    }
    if (c === ':') {
      const code = /^:([a-z0-9_+-]+):\s?/.exec(text.slice(i))
      const char = code ? emoji[code[1] as string] : undefined
      if (code && char !== undefined) {
        plain += char === '' ? '' : `${char} `
        i += code[0].length
        continue
      }
    }
    plain += c
    i++
  }
  flush()
  return nodes
}

/** Where a `*` or `~` opened at `start` closes on the same line, before a boundary; -1 if it does not. */
function closingMark(text: string, start: number, mark: string): number {
  for (let j = start + 2; j < text.length; j++) {
    const c = text[j]
    if (c === '\n') return -1
    if (
      c === mark &&
      text[j - 1] !== ' ' &&
      (j + 1 === text.length || boundaryAfter.test(text[j + 1] as string))
    )
      return j
  }
  return -1
}

/** The words a reader sees, without markup (for titles and summaries). */
export function mrkdwnToPlain(text: string): string {
  const walk = (nodes: MrkdwnNode[]): string =>
    nodes
      .map((node) =>
        node.kind === 'text' || node.kind === 'code'
          ? node.text
          : node.kind === 'break'
            ? '\n'
            : node.kind === 'link'
              ? node.label
              : walk(node.children),
      )
      .join('')
  return walk(parseMrkdwn(text))
}
