import { GeistMono } from 'geist/font/mono'
import { GeistSans } from 'geist/font/sans'
import type { Metadata, Viewport } from 'next'
import type { ReactNode } from 'react'
import { DevLoopBanner } from '../components/dev-loop-banner.tsx'
import { SiteHeader } from '../components/site-header.tsx'
import './globals.css'
import '../styles/partitions.css'
import '../styles/sign-in.css'
import '../styles/labelled-metrics.css'
import '../styles/catalog.css'
import '../styles/product.css'
import '../styles/alerts.css'
import '../styles/portfolio.css'
import '../styles/dev-loop.css'

export const metadata: Metadata = {
  title: { default: 'Steward', template: '%s · Steward' },
  description: 'Data products, their pipelines, owners, freshness and cost.',
}

export const viewport: Viewport = {
  colorScheme: 'light dark',
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#fafafa' },
    { media: '(prefers-color-scheme: dark)', color: '#09090b' },
  ],
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <SiteHeader />
        <DevLoopBanner />
        <main id="main" className="page" tabIndex={-1}>
          {children}
        </main>
      </body>
    </html>
  )
}
