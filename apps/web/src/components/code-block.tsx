import type { ReactNode } from 'react'

/** A labelled code sample (a file name or "terminal"), with just enough colour to read at a glance. */
export function CodeBlock({ label, code }: { label: string; code: string }) {
  return (
    <figure className="code">
      <figcaption className="code__label">{label}</figcaption>
      <pre>
        <code>{highlight(code)}</code>
      </pre>
    </figure>
  )
}

// Samples here are short and ours, so a regex is enough: strings, line comments, a few keywords.
const token = /('(?:[^'\\]|\\.)*')|(\/\/[^\n]*|^#[^\n]*)|\b(import|from|export|const|await|async|return)\b/gm

function highlight(code: string): ReactNode[] {
  const parts: ReactNode[] = []
  let last = 0
  for (const match of code.matchAll(token)) {
    const index = match.index ?? 0
    if (index > last) parts.push(code.slice(last, index))
    const className = match[1] ? 'tok-string' : match[2] ? 'tok-comment' : 'tok-keyword'
    parts.push(
      <span key={index} className={className}>
        {match[0]}
      </span>,
    )
    last = index + match[0].length
  }
  if (last < code.length) parts.push(code.slice(last))
  return parts
}
