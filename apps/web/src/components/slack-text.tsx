import { type MrkdwnNode, parseMrkdwn } from '../lib/mrkdwn.ts'

/**
 * Slack mrkdwn as it looks in Slack: bold, strike-through, code, links and line breaks, as React
 * elements (never HTML from the message: escaped text from data stays text). Links open the run
 * or runbook they point at.
 */
export function SlackText({ text }: { text: string }) {
  return <>{renderNodes(parseMrkdwn(text), 'm')}</>
}

function renderNodes(nodes: MrkdwnNode[], prefix: string) {
  return nodes.map((node, index) => {
    // A message's parts never reorder: their position is their identity.
    const key = `${prefix}.${index}`
    switch (node.kind) {
      case 'text':
        return <span key={key}>{node.text}</span>
      case 'break':
        return <br key={key} />
      case 'code':
        return <code key={key}>{node.text}</code>
      case 'link':
        return (
          <a key={key} href={node.url} rel="noreferrer nofollow">
            {node.label}
          </a>
        )
      case 'bold':
        return <strong key={key}>{renderNodes(node.children, key)}</strong>
    }
    return <s key={key}>{renderNodes(node.children, key)}</s>
  })
}
