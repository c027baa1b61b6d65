import type { Action } from './action.ts'

// Ids in paths are numbers; the query string is never part of the route.
const rules: readonly (readonly [string, RegExp, Action])[] = [
  ['POST', /^\/api\/users$/, 'sign_up'],
  ['PUT', /^\/api\/users\/me$/, 'profile_update'],
  ['POST', /^\/api\/photos$/, 'photo_upload'],
  ['POST', /^\/api\/users\/me\/career$/, 'career_entry'],
  ['POST', /^\/api\/users\/me\/education$/, 'education_entry'],
  ['POST', /^\/api\/messages$/, 'message'],
  ['POST', /^\/api\/posts\/\d+\/likes$/, 'like'],
  ['POST', /^\/api\/friend-requests$/, 'friend_request'],
  ['POST', /^\/api\/friend-requests\/\d+\/accept$/, 'friend_accept'],
]

/**
 * The action of a request, from its method and path.
 *
 * @example
 * classifyAction('POST', '/api/messages') // 'message'
 * classifyAction('POST', '/api/friend-requests/981/accept') // 'friend_accept'
 * classifyAction('GET', '/api/feed') // 'view'
 */
export function classifyAction(method: string, path: string): Action {
  const route = stripQuery(path).replace(/\/+$/, '') || '/'
  const verb = method.toUpperCase()
  if (verb === 'GET' || verb === 'HEAD') return 'view'
  for (const [ruleMethod, pattern, action] of rules) {
    if (ruleMethod === verb && pattern.test(route)) return action
  }
  return 'other'
}

function stripQuery(path: string): string {
  const q = path.indexOf('?')
  return q === -1 ? path : path.slice(0, q)
}
