import { isStewardError } from '@steward/kernel'
import { authSettings } from '#env.ts'
import { authorizeOperation, type OperationTarget } from '../auth/authorize.ts'
import { currentViewer } from '../auth/current-viewer.ts'
import { getDb } from '../db.ts'
import { authorize } from '../usage/authorize.ts'
import { apiError } from './api-error.ts'

/**
 * Who may call the runs, backfills, events and incidents API. Without an identity provider (a
 * laptop), anyone who reaches the server, as for the pages. With one: a program sends an API token
 * with the scope (`steward tokens create --scope operate`), which acts for every product; a
 * signed-in browser (the run page's live polling) sends its session cookie, and changing something
 * then needs an owner of the product or an admin, as the buttons do. Answers the error response,
 * or undefined when the call may go ahead.
 */
export async function authorizeApi(
  request: Request,
  scope: 'read' | 'operate',
  target?: OperationTarget,
): Promise<Response | undefined> {
  if (authSettings().mode === 'local') return undefined
  if (request.headers.has('authorization')) {
    try {
      await authorize(request, scope)
      return undefined
    } catch (error) {
      if (isStewardError(error))
        return apiError(error.code === 'TOKEN_SCOPE' ? 403 : 401, error.code, error.message)
      throw error
    }
  }
  const viewer = await currentViewer()
  if (!viewer)
    return apiError(
      401,
      'UNAUTHENTICATED',
      `send an API token with the ${scope} scope: "Authorization: Bearer stw_…"`,
    )
  if (scope === 'read' || !target) return undefined
  const { db } = await getDb()
  const allowed = await authorizeOperation(db, target)
  return allowed.ok ? undefined : apiError(403, 'FORBIDDEN', allowed.message)
}
