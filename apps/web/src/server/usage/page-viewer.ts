import { cookies, headers } from 'next/headers'
import { currentViewer } from '../auth/current-viewer.ts'

/**
 * Who is looking at a page, for counting unique viewers (hashed with the usage salt before it is
 * stored): the signed-in user's e-mail or subject with an identity provider; without one, a
 * `steward_visitor` cookie if the browser has one, else the client address and browser as the
 * proxy reports them: a rough visitor, never stored in clear.
 */
export async function pageViewer(): Promise<string> {
  const viewer = await currentViewer()
  if (viewer && viewer.id !== 'local-admin') return `user:${viewer.email ?? viewer.id}`
  const cookie = (await cookies()).get('steward_visitor')?.value
  if (cookie) return `visitor:${cookie}`
  const h = await headers()
  const address = h.get('x-forwarded-for')?.split(',')[0]?.trim() || h.get('x-real-ip') || 'local'
  return `anonymous:${address}:${h.get('user-agent') ?? ''}`
}
