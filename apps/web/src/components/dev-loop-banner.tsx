import { connection } from 'next/server'
import { formatInstant, noun } from '../lib/format.ts'
import { currentViewer } from '../server/auth/current-viewer.ts'
import { listDevLoopProblems } from '../server/queries/list-dev-loop-problems.ts'
import { readDatabase } from '../server/read-database.ts'

/**
 * On every page while a `steward dev` reloading on save has a save that did not load: where the
 * problem is, and that the last good version keeps running. Gone on the next good save (the next
 * page load or refresh). Nothing when the database cannot be read: the page says that itself.
 */
export async function DevLoopBanner() {
  // Read on every request, never at build time.
  await connection()
  // Problem text quotes the team's code: only for people signed in.
  if (!(await currentViewer())) return null
  const read = await readDatabase(listDevLoopProblems)
  if (!read.ok || read.value.length === 0) return null
  return (
    <div className="dev-loop-banner" role="alert">
      {read.value.map((loop) => (
        <p key={loop.projectRoot}>
          <strong>steward dev: the last save did not load.</strong> <code>{loop.problem}</code>
          {loop.count > 1 ? ` (and ${noun(loop.count - 1, 'more problem')})` : ''}{' '}
          <span className="muted">
            {loop.lastGoodAt
              ? `The version deployed at ${formatInstant(loop.lastGoodAt)} keeps running`
              : 'The last good version keeps running'}{' '}
            until a save loads ({loop.projectRoot}).
          </span>
        </p>
      ))}
    </div>
  )
}
