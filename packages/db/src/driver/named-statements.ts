import { createHash } from 'node:crypto'

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

/** A marked statement's name for one run, and the name it takes over from, to deallocate. */
export interface StatementName {
  name: string
  retired: string | undefined
}

/**
 * The names of one connection's marked statements: a hash of the text (a name never meets two
 * texts), then a generation that counts up at the text's 4th, 16th, 64th… run on the connection.
 *
 * Why generations: PostgreSQL freezes a prepared statement's generic plan at its sixth run, with the
 * table sizes of that moment. A new installation's tables grow from nothing to thousands of rows in
 * minutes, long before autovacuum's first ANALYZE would throw that plan away, and a plan made for
 * empty tables then reads whole tables. A parse and a few plans at each fourfold of runs keep plans
 * fit for the tables.
 */
export class NamedStatements {
  readonly #texts = new Map<string, { base: string; runs: number }>()

  /** Counts a run of `text` and names it. */
  next(text: string): StatementName {
    let seen = this.#texts.get(text)
    if (seen === undefined) {
      seen = { base: `steward_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, runs: 0 }
      this.#texts.set(text, seen)
    }
    const runs = ++seen.runs
    const generation = Math.floor(Math.log2(runs) / 2)
    const renewed = generation > 0 && runs === 4 ** generation
    return {
      name: `${seen.base}_${generation}`,
      retired: renewed ? `${seen.base}_${generation - 1}` : undefined,
    }
  }
}
