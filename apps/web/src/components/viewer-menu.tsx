import { authSettings } from '../env.ts'
import { signOutAction } from '../server/auth/actions.ts'
import { currentViewer } from '../server/auth/current-viewer.ts'

/** Who is signed in, in the header, with a Sign out button; "Local admin" without an identity provider. */
export async function ViewerMenu() {
  const viewer = await currentViewer()
  if (!viewer) return null
  if (authSettings().mode === 'local')
    return (
      <span className="viewer muted" title="No identity provider is configured: everyone is the local admin">
        Local admin
      </span>
    )
  return (
    <form action={signOutAction} className="viewer">
      <span className="viewer__name" title={viewer.email ?? undefined}>
        {viewer.name}
        {viewer.admin ? <span className="tag">admin</span> : null}
      </span>
      <button type="submit" className="button button--small">
        Sign out
      </button>
    </form>
  )
}
