'use server'

import type { Route } from 'next'
import { cookies } from 'next/headers'
import { redirect } from 'next/navigation'
import { sessionCookie } from './session-token.ts'

/** Sign out: forget the session cookie (a server action, so another site cannot post it). */
export async function signOutAction(): Promise<void> {
  ;(await cookies()).delete(sessionCookie)
  redirect('/sign-in?signedOut=1' as Route)
}
