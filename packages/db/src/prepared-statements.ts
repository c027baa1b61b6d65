import { createHash } from 'node:crypto'
import type pg from 'pg'

/**
 * Put first in a statement's SQL to have it prepared once per connection and then only bound and
 * executed: the server skips parsing, and after a few runs planning too (its generic plan). Worth
 * it for the runtime's hot statements, whose planning costs as much as their execution. Mark only
 * statements whose text does not vary with their input (arrays, not `in ($1, $2, …)` lists): each
 * distinct text is one more statement kept on every pooled connection.
 *
 * @example
 * await sql`${sql.raw(prepared)} select … where id = any (${ids}::uuid[])`.execute(db)
 */
export const prepared = '/* prepared */'

type Query = (...args: unknown[]) => unknown

/** What `pg` answers for a `begin` or `commit` that was not sent: all Kysely reads of it. */
const nothingSent = (command: string) => ({ command, rowCount: null, rows: [], fields: [] })

/**
 * Two round trips fewer to PostgreSQL, on the pool's connections, when `enabled()` says so:
 * - statements marked `prepared` run as named statements (named for a hash of their text, so a
 *   name never meets two texts);
 * - a transaction's `begin` is held back and sent with its first statement: in the same message when
 *   that statement has no parameters (`begin; select …`, a simple query, which stops at the first
 *   error), otherwise just before it. A transaction that sends nothing sends no `begin` either.
 *
 * A statement is prepared again, under a new name, once its runs on a connection reach 4, 16, 64, …
 * (the previous one is deallocated). PostgreSQL freezes a prepared statement's generic plan at its
 * sixth run, with the table sizes of that moment; a new installation's tables grow from nothing to
 * thousands of rows in minutes, long before autovacuum's first ANALYZE would throw that plan away,
 * and a plan made for empty tables then reads whole tables (W2: 0.17 → 0.12 ms of PostgreSQL per
 * step). A parse and a few plans at each fourfold of runs keep plans fit for the tables.
 *
 * Not on PGlite: behind its socket server every connection shares one backend, where a second
 * connection preparing the same name would fail. `enabled` is read per statement, so it may be
 * switched on once the server is known.
 */
export function prepareMarkedStatements(pool: pg.Pool, enabled: () => boolean): void {
  const names = new Map<string, string>()
  const nameOf = (text: string) => {
    let name = names.get(text)
    if (name === undefined) {
      name = `steward_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`
      names.set(text, name)
    }
    return name
  }
  const held = new WeakSet<pg.PoolClient>()
  const runsOn = new WeakMap<pg.PoolClient, Map<string, number>>()
  // A client goes back to the pool between transactions; nothing may stay held across that.
  pool.on('release', (_error: unknown, client: pg.PoolClient) => held.delete(client))
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as Query
    const pooled = client as pg.PoolClient
    const patched: Query = (...args) => {
      const [text, values, ...rest] = args
      if (typeof text !== 'string' || !Array.isArray(values) || !enabled()) {
        // `pg` sends what it is given in order, one at a time: the held begin goes first.
        if (held.delete(pooled)) void (query('begin', []) as Promise<unknown>).catch(() => {})
        return query(...args)
      }
      if (values.length === 0) {
        if (text === 'begin') {
          if (held.has(pooled)) return query(...args)
          held.add(pooled)
          return Promise.resolve(nothingSent('BEGIN'))
        }
        if (held.delete(pooled)) {
          if (text === 'commit') return Promise.resolve(nothingSent('COMMIT'))
          if (text === 'rollback') return Promise.resolve(nothingSent('ROLLBACK'))
          // Two statements, one simple query: `pg` answers one result per statement.
          return (query(`begin;\n${text}`, [], ...rest) as Promise<pg.QueryResult[]>).then(
            (results) => results[results.length - 1],
          )
        }
        return query(...args)
      }
      const run = () => {
        if (!text.startsWith(prepared)) return query(text, values, ...rest)
        let runs = runsOn.get(pooled)
        if (runs === undefined) {
          runs = new Map<string, number>()
          runsOn.set(pooled, runs)
        }
        const name = nameOf(text)
        const n = (runs.get(name) ?? 0) + 1
        runs.set(name, n)
        const generation = Math.floor(Math.log2(n) / 2)
        // Deallocating is not transactional; in a failed transaction it fails, and the old plan stays.
        if (generation > 0 && n === 4 ** generation)
          void (query(`deallocate ${name}_${generation - 1}`, []) as Promise<unknown>).catch(() => {})
        return query({ name: `${name}_${generation}`, text, values }, ...rest)
      }
      if (held.delete(pooled)) return (query('begin', []) as Promise<unknown>).then(run)
      return run()
    }
    ;(client as unknown as { query: Query }).query = patched
  })
}
