import type { BackfillProgress } from '@steward/engine'

/**
 * One line for a backfill's progress: a bar of finished partitions, the counts by state, the rate
 * and the time left at that rate. `elapsedMs` is since this process started following (a resumed
 * follow measures its own rate from the runs that finish while it watches).
 */
export function backfillBar(
  progress: BackfillProgress,
  finishedAtStart: number,
  elapsedMs: number,
  width = 24,
): string {
  const finished = progress.succeeded + progress.failed + progress.cancelled
  const total = Math.max(progress.total, 1)
  const filled = Math.round((finished / total) * width)
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`
  const perMinute = elapsedMs > 0 ? ((finished - finishedAtStart) / elapsedMs) * 60_000 : 0
  const left = progress.total - finished
  const eta = perMinute > 0 && left > 0 ? ` · ${formatDuration((left / perMinute) * 60_000)} left` : ''
  const rate = perMinute > 0 ? ` · ${perMinute.toFixed(perMinute < 10 ? 1 : 0)}/min` : ''
  return `${bar} ${finished}/${progress.total} · ✓ ${progress.succeeded} ✗ ${progress.failed} ▶ ${progress.running} … ${progress.queued}${rate}${eta}`
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`
}
