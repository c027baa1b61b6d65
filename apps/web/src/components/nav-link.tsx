'use client'

import type { Route } from 'next'
import Link from 'next/link'
import { usePathname } from 'next/navigation'
import type { ReactNode } from 'react'

/** A header link that marks itself as the current page (`aria-current`), for eyes and screen readers. */
export function NavLink({
  href,
  children,
  also = [],
}: {
  href: Route
  children: ReactNode
  /** Other sections that belong under this link (the catalog's products, pipelines and runs). */
  also?: readonly string[]
}) {
  const pathname = usePathname()
  const within = (base: string) => pathname === base || pathname.startsWith(`${base}/`)
  const current = (href === '/' ? pathname === '/' : within(href)) || also.some(within)
  return (
    <Link href={href} className="nav__link" aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  )
}
