'use client'

import { useRouter } from 'next/navigation'
import { useEffect, useState } from 'react'

interface Snapshot {
  status: string
  steps: { id: string; status: string; attempts: number }[]
}

const finished = new Set(['succeeded', 'failed', 'cancelled'])
const pollMs = 1_500
/** While something runs, re-render this often anyway, so running bars and durations grow. */
const refreshRunningMs = 5_000

/**
 * Keeps the run page current while the run is in progress: polls GET /api/v1/runs/:id and asks the
 * server to re-render the page (router.refresh) when a step moved, or every few seconds while a
 * step runs. Stops once the run has ended. Without JavaScript the page is a snapshot with a link
 * to reload it.
 */
export function RunAutoRefresh({ runId, status }: { runId: string; status: string }) {
  const router = useRouter()
  const [live, setLive] = useState(false)
  useEffect(() => {
    if (finished.has(status)) return
    let stopped = false
    let last = ''
    let lastRefresh = Date.now()
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async () => {
      try {
        const response = await fetch(`/api/v1/runs/${runId}`, { cache: 'no-store' })
        if (response.ok) {
          const snapshot = (await response.json()) as Snapshot
          const key = JSON.stringify([
            snapshot.status,
            snapshot.steps.map((s) => [s.id, s.status, s.attempts]),
          ])
          const running = snapshot.steps.some((s) => s.status === 'running')
          if (
            (last === '' && snapshot.status !== status) ||
            (last !== '' && key !== last) ||
            (running && Date.now() - lastRefresh > refreshRunningMs)
          ) {
            lastRefresh = Date.now()
            router.refresh()
          }
          last = key
          setLive(true)
          if (finished.has(snapshot.status)) {
            router.refresh()
            return
          }
        }
      } catch {
        setLive(false)
      }
      if (!stopped) timer = setTimeout(tick, pollMs)
    }
    timer = setTimeout(tick, pollMs)
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [runId, status, router])
  if (finished.has(status)) return null
  // Server-rendered (and without JavaScript): a link that reloads the page; once polling answers, a live dot.
  return live ? (
    <span className="live" role="status">
      Live
    </span>
  ) : (
    <a className="live live--off" href={`/runs/${runId}`}>
      In progress: reload for the latest
    </a>
  )
}
