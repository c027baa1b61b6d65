'use client'

import { useEffect } from 'react'
import { ErrorMessage } from '../components/error-message.tsx'

// Next logs the server-side error with its digest; this logs what the browser saw, for whoever
// opens the console.
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error)
  }, [error])
  return <ErrorMessage error={error} retry={retry} />
}
