import { json, migrateToLatest, type OwnerRef } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { evaluateFinishedRuns } from '../evaluate/evaluate-finished-runs.ts'
import { resolveIncident } from '../incidents/incident-lifecycle.ts'
import { seedPipeline, seedProduct, seedRun } from './seed.ts'

/**
 * Tests only: a database with one product whose owners declare the given receivers, a pipeline
 * with the default failure alert, and the steps of an incident's life (a failed run evaluated,
 * the incident resolved), for the receiver tests.
 */
export class ReceiverFixture {
  private constructor(
    readonly t: TestDatabase,
    readonly productId: string,
  ) {}

  static async open(owners: OwnerRef[], productName = 'Churn scores'): Promise<ReceiverFixture> {
    const backend = testBackends[0]
    if (!backend) throw new Error('no test database backend')
    const t = await backend.open()
    await migrateToLatest(t.db)
    const productId = 'churn'
    await seedProduct(t.db, { id: productId })
    await t.db
      .updateTable('products')
      .set({ owners: json(owners), name: productName })
      .where('id', '=', productId)
      .execute()
    await seedPipeline(t.db, { id: 'churn.score', productId })
    return new ReceiverFixture(t, productId)
  }

  /** A failed run of `churn.score`, evaluated: the failure incident opens (or repeats). */
  async failRun(): Promise<void> {
    await seedRun(this.t.db, { pipelineId: 'churn.score', productId: this.productId, status: 'failed' })
    await evaluateFinishedRuns(this.t.db, { now: new Date() })
  }

  async openIncident() {
    return this.t.db
      .selectFrom('incidents')
      .selectAll()
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow()
  }

  async resolve(): Promise<void> {
    const incident = await this.openIncident()
    await this.t.db.transaction().execute((trx) =>
      resolveIncident(trx, {
        ruleKey: incident.rule_key,
        subjectKey: incident.subject_key,
        reason: 'the next run succeeded',
        at: new Date(),
      }),
    )
  }

  notifications(destination: string) {
    return this.t.db
      .selectFrom('notifications')
      .selectAll()
      .where('destination', '=', destination)
      .orderBy('id')
      .execute()
  }

  dispose(): Promise<void> {
    return this.t.dispose()
  }
}
