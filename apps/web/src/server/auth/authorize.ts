import type { OwnerRef } from '@steward/db'
import type { Db } from '../read-database.ts'
import { currentViewer } from './current-viewer.ts'
import { canOperate, type Viewer } from './viewer.ts'

/** What a button acts on: the product is found through the pipeline, the run or the incident. */
export type OperationTarget =
  | { productId: string }
  | { pipelineId: string }
  | { runId: string }
  | { backfillId: string }
  | { incidentId: string }

export type Authorization = { ok: true; viewer: Viewer } | { ok: false; message: string }

/**
 * Checks, on the server, that the current viewer may operate on a target (run, cancel, retry,
 * backfill, acknowledge, snooze): one of its product's owners, or an admin. Every server action
 * that changes something calls this first; pages only grey the buttons out.
 */
export async function authorizeOperation(db: Db, target: OperationTarget): Promise<Authorization> {
  const viewer = await currentViewer()
  if (!viewer) return { ok: false, message: 'Sign in first: your session has ended.' }
  if (viewer.admin) return { ok: true, viewer }
  const product = await productOf(db, target)
  if (!product) return { ok: false, message: 'Nothing to act on: it does not exist (any more).' }
  if (canOperate(viewer, product.owners)) return { ok: true, viewer }
  return {
    ok: false,
    message: `Only the owners of ${product.name} and admins can do this; you are signed in as ${viewer.email ?? viewer.name}.`,
  }
}

async function productOf(
  db: Db,
  target: OperationTarget,
): Promise<{ name: string; owners: OwnerRef[] } | undefined> {
  const products = db.selectFrom('products as p').select(['p.name', 'p.owners'])
  if ('productId' in target) return products.where('p.id', '=', target.productId).executeTakeFirst()
  if ('pipelineId' in target)
    return products
      .innerJoin('pipelines as pl', 'pl.product_id', 'p.id')
      .where('pl.id', '=', target.pipelineId)
      .executeTakeFirst()
  if ('runId' in target)
    return products
      .innerJoin('runs as r', 'r.product_id', 'p.id')
      .where('r.id', '=', target.runId)
      .executeTakeFirst()
  if ('backfillId' in target)
    return products
      .innerJoin('pipelines as pl', 'pl.product_id', 'p.id')
      .innerJoin('backfills as b', 'b.pipeline_id', 'pl.id')
      .where('b.id', '=', target.backfillId)
      .executeTakeFirst()
  return products
    .innerJoin('incidents as i', 'i.product_id', 'p.id')
    .where('i.id', '=', target.incidentId)
    .executeTakeFirst()
}
