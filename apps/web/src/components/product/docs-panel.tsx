import { ProductDocs } from '../product-docs.tsx'

/** The product's docs file, titled with its path in the repository. */
export function DocsPanel({ markdown, path }: { markdown: string; path: string | null }) {
  return (
    <section className="card panel" aria-labelledby="docs-title">
      <h2 id="docs-title" className="panel__title">
        Docs
        {path ? <code className="id">{path}</code> : null}
      </h2>
      <ProductDocs markdown={markdown} />
    </section>
  )
}
