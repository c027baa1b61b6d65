import type { DocLink } from '@steward/db'

/** The links the product's definition lists (dashboards, runbooks, repositories). */
export function LinksPanel({ links }: { links: readonly DocLink[] }) {
  return (
    <section className="card panel" aria-labelledby="links-title">
      <h2 id="links-title" className="panel__title">
        Links
      </h2>
      <ul className="plain-list">
        {links.map((link) => (
          <li key={link.url}>
            <a href={link.url} rel="noreferrer">
              {link.title}
            </a>
          </li>
        ))}
      </ul>
    </section>
  )
}
