'use server'

import { isStewardError } from '@steward/kernel'
import { labelActor } from '@steward/usage'
import type { Route } from 'next'
import { redirect } from 'next/navigation'
import { auditUi } from '../audit/audit-web.ts'
import { authorizeOperation } from '../auth/authorize.ts'
import { getDb } from '../db.ts'

/**
 * An owner names a hashed consumer after its team ("finance-analytics"), so the product page's top
 * consumers read as teams; an empty name removes it. Owners and admins only (CSRF: see
 * ../runs/actions.ts). Back to the product page with a word on what happened.
 */
export async function labelConsumerAction(
  productId: string,
  actorHash: string,
  form: FormData,
): Promise<void> {
  const label = form.get('label')
  let outcome = 'labelled'
  try {
    const { db } = await getDb()
    const allowed = await authorizeOperation(db, { productId })
    if (!allowed.ok) outcome = 'forbidden'
    else {
      await labelActor(db, actorHash, typeof label === 'string' ? label : '')
      await auditUi(
        allowed.viewer,
        'consumer.label',
        { kind: 'consumer', id: actorHash, productId },
        {
          label: typeof label === 'string' ? label : '',
        },
      )
    }
  } catch (error) {
    if (!isStewardError(error)) console.error('[steward web] labelling a consumer failed', error)
    outcome = 'failed'
  }
  redirect(`/products/${encodeURIComponent(productId)}?consumer=${outcome}#consumers-title` as Route)
}
