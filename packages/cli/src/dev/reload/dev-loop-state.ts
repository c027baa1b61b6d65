import type { StewardDb } from '@steward/db'

type Db = StewardDb['db']

/** The first problem of a save that did not load, where it is. */
export interface ReloadProblem {
  /** One line for people. */
  message: string
  /** Relative to the project folder; null when the error names no file. */
  file: string | null
  line: number | null
  /** How many problems the save had. */
  count: number
}

/** Longest problem text stored: the banner shows one line, and text from a file is not trusted. */
const maxProblemChars = 2000

/**
 * Writes the dev loop's state where the web UI reads it (`dev_loops`, one row per project folder).
 *
 * Contract — one upsert on the primary key, no other locks. `good` sets `last_good_at` to now and
 * clears the problem; `failed` keeps `last_good_at` (the version still running) and sets the
 * problem, its text bounded and without NUL (PostgreSQL refuses it in text).
 */
export async function recordReload(
  db: Db,
  projectRoot: string,
  state: { ok: true } | { ok: false; problem: ReloadProblem },
): Promise<void> {
  const problem = state.ok
    ? { problem: null, problem_file: null, problem_line: null, problem_count: 0 }
    : {
        problem: bounded(state.problem.message, maxProblemChars),
        problem_file: state.problem.file === null ? null : bounded(state.problem.file, 500),
        problem_line: state.problem.line,
        problem_count: state.problem.count,
      }
  await db
    .insertInto('dev_loops')
    .values((eb) => ({
      project_root: projectRoot,
      ...problem,
      last_good_at: state.ok ? eb.fn('now') : null,
      updated_at: eb.fn('now'),
    }))
    .onConflict((oc) =>
      oc.column('project_root').doUpdateSet((eb) => ({
        ...problem,
        last_good_at: state.ok ? eb.fn('now') : eb.ref('dev_loops.last_good_at'),
        updated_at: eb.fn('now'),
      })),
    )
    .execute()
}

/** Forgets the loop of a project folder: `steward dev` stopped, nothing to show. */
export async function forgetReloads(db: Db, projectRoot: string): Promise<void> {
  await db.deleteFrom('dev_loops').where('project_root', '=', projectRoot).execute()
}

function bounded(text: string, max: number): string {
  const clean = text.replaceAll('\u0000', '\uFFFD')
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
}
