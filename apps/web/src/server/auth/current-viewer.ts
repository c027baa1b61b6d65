import { cookies } from 'next/headers'
import { authSettings } from '#env.ts'
import { openSession, sessionCookie } from './session-token.ts'
import { localAdmin, type Viewer } from './viewer.ts'

/**
 * The viewer of the current request (server components, server actions, route handlers): the
 * local admin without an identity provider, else the session cookie's user, or undefined when
 * nobody is signed in.
 */
export async function currentViewer(): Promise<Viewer | undefined> {
  const auth = authSettings()
  if (auth.mode === 'local') return localAdmin
  return openSession((await cookies()).get(sessionCookie)?.value, auth.sessionSecret)
}
