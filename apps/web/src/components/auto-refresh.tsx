'use client'

import { useRouter } from 'next/navigation'
import { useEffect } from 'react'

/**
 * Re-renders the page from the server every few seconds while it is mounted: the pipeline page
 * renders it only while a backfill or a run is in progress, so it stops by itself. Without
 * JavaScript the page is a snapshot, as a reload shows.
 */
export function AutoRefresh({ everyMs = 3_000, label }: { everyMs?: number; label: string }) {
  const router = useRouter()
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), everyMs)
    return () => clearInterval(timer)
  }, [router, everyMs])
  return (
    <span className="live" role="status">
      {label}
    </span>
  )
}
