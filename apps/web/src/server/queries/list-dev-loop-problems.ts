import type { Db } from '../read-database.ts'

/** A `steward dev` whose last save did not load: what the banner on every page says. */
export interface DevLoopProblem {
  projectRoot: string
  /** One line, as the terminal showed it (`lib/a.ts:4: failed to import: …`). */
  problem: string
  file: string | null
  line: number | null
  /** How many problems the save had. */
  count: number
  /** When the version still running was deployed; null if none was since dev started. */
  lastGoodAt: Date | null
}

/**
 * The dev loops (`dev_loops`, written by `steward dev` on every save) whose last save failed. A
 * handful of rows at most: one per project folder with a `steward dev` running on this database.
 */
export async function listDevLoopProblems(db: Db): Promise<DevLoopProblem[]> {
  const rows = await db
    .selectFrom('dev_loops')
    .select(['project_root', 'problem', 'problem_file', 'problem_line', 'problem_count', 'last_good_at'])
    .where('problem', 'is not', null)
    .orderBy('project_root')
    .limit(5)
    .execute()
  return rows.map((row) => ({
    projectRoot: row.project_root,
    problem: row.problem ?? '',
    file: row.problem_file,
    line: row.problem_line,
    count: row.problem_count,
    lastGoodAt: row.last_good_at,
  }))
}
