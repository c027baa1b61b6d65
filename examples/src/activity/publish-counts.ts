import { copyFile, mkdir, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../write-file-atomic.ts'

export interface PublishedCounts {
  path: string
  manifestPath: string
  day: string
}

/**
 * Makes a day's counts what consumers read: copies the table to `<publishedDir>/<day>.csv` and points
 * `latest.json` at it. Re-publishing a day replaces it, so a retried or repeated run is harmless.
 *
 * @example
 * await publishCounts({ countsPath, publishedDir, day: '2026-11-02', rows: 4821, now: new Date() })
 */
export async function publishCounts(options: {
  countsPath: string
  publishedDir: string
  day: string
  rows: number
  now: Date
}): Promise<PublishedCounts> {
  await mkdir(options.publishedDir, { recursive: true })
  const path = join(options.publishedDir, `${options.day}.csv`)
  const partial = `${path}.partial`
  await copyFile(options.countsPath, partial)
  await rename(partial, path)
  const manifestPath = join(options.publishedDir, 'latest.json')
  const manifest = { day: options.day, path, rows: options.rows, publishedAt: options.now.toISOString() }
  await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
  return { path, manifestPath, day: options.day }
}
