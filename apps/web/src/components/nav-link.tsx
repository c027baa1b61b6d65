'use client'

import type { Route } from 'next'
import Link from 'next/link'
import { usePathname } from 'next/navigation'
import type { ReactNode } from 'react'

/** A header link that marks itself as the current page (`aria-current`), for eyes and screen readers. */
export function NavLink({ href, children }: { href: Route; children: ReactNode }) {
  const pathname = usePathname()
  const current = href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`)
  return (
    <Link href={href} className="nav__link" aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  )
}
