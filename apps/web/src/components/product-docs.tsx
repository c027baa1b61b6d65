import Markdown from 'react-markdown'
import remarkGfm from 'remark-gfm'

/**
 * A product's docs file, rendered on the server as GitHub-flavoured markdown (tables, task lists,
 * strikethrough, autolinks). react-markdown builds React elements from the syntax tree and never
 * injects raw HTML (HTML in the file is shown as text), and its default URL filter drops
 * `javascript:` links: the docs come from a repository, and must not run script in the UI.
 */
export function ProductDocs({ markdown }: { markdown: string }) {
  return (
    <div className="markdown">
      <Markdown remarkPlugins={[remarkGfm]}>{markdown}</Markdown>
    </div>
  )
}
