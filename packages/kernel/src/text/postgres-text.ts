/**
 * Text that PostgreSQL can store. It refuses a NUL character in `text` (SQLSTATE 22021) and in
 * `jsonb` (`\u0000`, 22P05), and UTF-8 has no encoding for a lone UTF-16 surrogate (half of an
 * emoji cut in two). A string from data holding either fails its whole statement, and the other
 * rows of that statement with it. So every write of text from data goes through `postgresText` or
 * `postgresJson`, which replace both with U+FFFD (�, visible wherever the text is shown), or the
 * input is refused first with `textProblem` / `findTextProblem` naming what is wrong.
 */
export const replacementCharacter = '\uFFFD'

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const unstorableOnce = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
/**
 * The same characters as JSON.stringify writes them: `\u0000`, and a lone surrogate as `\udXXX`
 * (a pair is written as itself). An escape counts only after an even run of backslashes, so the
 * text `\\u0000` (a backslash, then "u0000") is left alone.
 */
const unstorableEscape = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi

/** `text` with every NUL and lone surrogate replaced by U+FFFD; the same string when it has none. */
export function postgresText(text: string): string {
  return unstorableOnce.test(text) ? text.replace(unstorable, replacementCharacter) : text
}

/**
 * `value` as JSON text for a `jsonb` column, NUL and lone surrogates replaced by U+FFFD in every
 * string and key, however deep. Throws what JSON.stringify throws (a BigInt, a cycle).
 */
export function postgresJson(value: unknown): string {
  const text = JSON.stringify(value) as string | undefined
  if (text === undefined || !text.includes('\\u')) return text as string
  return text.replace(unstorableEscape, `$1\\u${replacementCharacter.charCodeAt(0).toString(16)}`)
}

/** Why PostgreSQL cannot store `text` as it is, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  const match = unstorableOnce.exec(text)
  if (!match) return undefined
  return match[0] === '\u0000'
    ? 'holds a NUL character (\\u0000), which cannot be stored'
    : 'holds a lone UTF-16 surrogate (invalid Unicode), which cannot be stored'
}

/** Where a JSON value holds text PostgreSQL cannot store: the path (`meta.tags[2]`) and why. */
export interface TextProblemAt {
  path: string
  problem: string
}

/**
 * The first string or key in a parsed JSON value that `textProblem` refuses, depth first; walks
 * with a stack of its own, so a deeply nested value cannot overflow the call stack.
 */
export function findTextProblem(value: unknown, root = ''): TextProblemAt | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: root }]
  while (stack.length > 0) {
    const { value: current, path } = stack.pop() as { value: unknown; path: string }
    if (typeof current === 'string') {
      const problem = textProblem(current)
      if (problem) return { path, problem }
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: `${path}[${i}]` })
    } else if (typeof current === 'object' && current !== null) {
      const keys = Object.keys(current)
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string
        const at = path === '' ? key : `${path}.${key}`
        const problem = textProblem(key)
        if (problem) return { path: postgresText(at), problem: `has a key that ${problem}` }
        stack.push({ value: (current as Record<string, unknown>)[key], path: at })
      }
    }
  }
  return undefined
}

/**
 * How deeply a parsed JSON value nests (a scalar is 0, `[]` and `{}` are 1), counted without
 * recursion and without going past `limit + 1`: JSON.stringify and many readers recurse, and a
 * body of `[[[[…]]]]` a million deep overflows their stack.
 */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let deepest = 0
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }]
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number }
    if (typeof current !== 'object' || current === null) continue
    const here = depth + 1
    if (here > deepest) deepest = here
    if (deepest > limit) return deepest
    for (const child of Array.isArray(current) ? current : Object.values(current))
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: here })
  }
  return deepest
}
