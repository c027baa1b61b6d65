/**
 * One line of an access log, as the app's web servers write it (one JSON object a line).
 *
 * Contract:
 * - `timestamp`: ISO 8601 in UTC with milliseconds.
 * - `user_id`: set when the request is signed in (`u_81723`); absent for anonymous visitors, who
 *   carry a `session` key instead. The sign-up request carries both: the visitor's session and the
 *   id of the user it created, which is how a visitor is followed into the funnel.
 * - `latency`: seconds; `content_length`: bytes of the response body.
 * - `referer`: null when the client sent none (the native apps never do).
 * - `host`: the web server that served the request (`web-1` … `web-10`).
 */
export interface AccessLogLine {
  timestamp: string
  user_id?: string
  session?: string
  ip: string
  method: HttpMethod
  path: string
  response_code: number
  latency: number
  content_length: number
  user_agent: string
  referer: string | null
  request_id: string
  host: string
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export type Platform = 'ios' | 'android' | 'web'
