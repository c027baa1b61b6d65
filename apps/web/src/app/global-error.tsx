'use client'

import { GeistMono } from 'geist/font/mono'
import { GeistSans } from 'geist/font/sans'
import { useEffect } from 'react'
import { ErrorMessage } from '../components/error-message.tsx'
import './globals.css'

/** Replaces the root layout when the layout itself fails, so it brings its own document and styles. */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error)
  }, [error])
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <body>
        <title>Error · Steward</title>
        <main className="page">
          <ErrorMessage error={error} retry={retry} />
        </main>
      </body>
    </html>
  )
}
