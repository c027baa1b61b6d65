import Link from 'next/link'
import { NavLink } from './nav-link.tsx'
import { ViewerMenu } from './viewer-menu.tsx'

/** The bar on every page: the name, and one link per area. */
export function SiteHeader() {
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link href="/" className="brand">
          <StewardMark />
          Steward
        </Link>
        <nav aria-label="Main">
          <ul className="nav">
            <li>
              <NavLink href="/" also={['/products', '/pipelines', '/runs']}>
                Catalog
              </NavLink>
            </li>
            <li>
              <NavLink href="/alerts">Alerts</NavLink>
            </li>
            <li>
              <NavLink href="/lineage">Lineage</NavLink>
            </li>
            <li>
              <NavLink href="/portfolio">Portfolio</NavLink>
            </li>
            <li>
              <NavLink href="/settings/audit" also={['/settings']}>
                Audit
              </NavLink>
            </li>
          </ul>
        </nav>
        <ViewerMenu />
      </div>
    </header>
  )
}

function StewardMark() {
  return (
    <svg className="brand__mark" width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">
      <rect x="1" y="1" width="18" height="18" rx="5" fill="currentColor" />
      <path
        d="M6 12.5c.9.9 2.3 1.4 3.9 1.4 1.9 0 3.1-.8 3.1-2.1 0-1.2-.9-1.7-3-2.1-2-.4-3.2-1-3.2-2.4C6.8 5.9 8.1 5 10 5c1.4 0 2.6.4 3.4 1.2"
        fill="none"
        stroke="white"
        strokeWidth="1.6"
        strokeLinecap="round"
      />
    </svg>
  )
}
