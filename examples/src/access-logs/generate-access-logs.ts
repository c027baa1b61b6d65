import type { AccessLogLine, HttpMethod, Platform } from './access-log-line.ts'
import { mixSeed, type Random, seededRandom } from './seeded-random.ts'
import { timeOfDay, weekdayWeight } from './traffic-shape.ts'
import { botUserAgents, userAgents } from './user-agents.ts'

export interface GenerateAccessLogsOptions {
  /** Same seed and day, same lines. */
  seed: number
  /** The UTC day to generate, `YYYY-MM-DD`. */
  day: string
  /** Lines on an average weekday before the weekly cycle; about 50k by default. */
  linesPerDay?: number
  /** Web servers `web-1` … `web-<hosts>`. */
  hosts?: number
  /** A server that stops logging: its lines from `from` on are missing (what volume alerts must catch). */
  silence?: { host: string; from: Date }
}

const defaults = { linesPerDay: 50_000, hosts: 10 }

const dayMs = 86_400_000
/** How long a new visitor's story is followed: actions later than this are not generated. */
const lifecycleDays = 14
/** Signed-in users who existed before the simulation: `u_1` … `u_60000`. */
const establishedUsers = 60_000
/** Share of a day's lines made by bots, and the share of new visitors to lines. */
const botShare = 0.05
const visitorsPerLine = 0.03

interface Actor {
  userId?: string
  session?: string
  platform: Platform | 'bot'
  userAgent: string
  ip: string
}

/** A request before its server-side details (status, latency, host…) are drawn. */
interface Request {
  time: number
  actor: Actor
  method: HttpMethod
  path: string
  status?: number
  referer?: string | null
}

/**
 * One day of access logs: established users browsing and messaging, new visitors arriving, some of
 * whom sign up and then fill in their profile, upload a photo and make a first connection over the
 * following days (so a weekly funnel has real drop-off), and bots. Follows a daily and a weekly
 * cycle, and returns the lines sorted by time.
 *
 * New visitors' stories are drawn per arrival day from (seed, arrival day) only, so a user who signed
 * up on Monday and adds a photo on Wednesday appears consistently in both days' files.
 *
 * @example
 * const lines = generateAccessLogs({ seed: 7, day: '2026-11-02' })
 * const quiet = generateAccessLogs({ seed: 7, day: '2026-11-02', silence: { host: 'web-3', from: new Date('2026-11-02T14:00:00Z') } })
 */
export function generateAccessLogs(options: GenerateAccessLogsOptions): AccessLogLine[] {
  const { seed, day, linesPerDay, hosts, silence } = { ...defaults, ...options }
  const dayStart = parseDay(day)
  const dayEnd = dayStart + dayMs
  const dayNumber = dayStart / dayMs

  const requests: Request[] = []
  for (let arrival = dayNumber - lifecycleDays; arrival <= dayNumber; arrival++) {
    for (const request of newVisitorRequests(seed, arrival, linesPerDay)) {
      if (request.time >= dayStart && request.time < dayEnd) requests.push(request)
    }
  }
  const random = seededRandom(mixSeed(seed, dayNumber, 1))
  const background = Math.round(linesPerDay * weekdayWeight(dayStart) * (0.97 + random.next() * 0.06))
  const users = new Map<number, Actor>()
  while (requests.length < background) {
    const time = dayStart + timeOfDay(random.next(), random.next())
    if (random.chance(botShare)) {
      requests.push(botRequest(random, time))
    } else {
      // Skewed towards low numbers: a few users are far more active than most.
      const n = 1 + Math.floor(establishedUsers * random.next() ** 2)
      let actor = users.get(n)
      if (actor === undefined) {
        actor = establishedUser(seed, n)
        users.set(n, actor)
      }
      requests.push(userRequest(random, time, actor))
    }
  }
  requests.sort((a, b) => a.time - b.time)

  const details = seededRandom(mixSeed(seed, dayNumber, 2))
  const lines: AccessLogLine[] = []
  for (const request of requests) {
    // Draw every line's details before filtering, so that silencing a host changes nothing else.
    const line = render(request, details, hosts)
    if (silence && line.host === silence.host && request.time >= silence.from.getTime()) continue
    lines.push(line)
  }
  return lines
}

/** Milliseconds of midnight UTC of a `YYYY-MM-DD` day. */
export function parseDay(day: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== day) {
    throw new Error(`"${day}" is not a day: write it as YYYY-MM-DD, e.g. "2026-11-02"`)
  }
  return time
}

/** Everything the visitors who arrived on day number `arrival` will ever do. */
function newVisitorRequests(seed: number, arrival: number, linesPerDay: number): Request[] {
  const random = seededRandom(mixSeed(seed, arrival, 3))
  const dayStart = arrival * dayMs
  // Days differ beyond the weekly cycle (weather, a campaign, a mention somewhere), and so do how
  // many visitors sign up: without this every week of the funnel would be the same.
  const visitors = Math.round(
    linesPerDay * visitorsPerLine * weekdayWeight(dayStart) * (0.8 + random.next() * 0.4),
  )
  const signUpRate = 0.12 + random.next() * 0.08
  const requests: Request[] = []
  const hour = 3_600_000
  for (let i = 0; i < visitors; i++) {
    const platform = random.weighted<Platform>([
      ['web', 55],
      ['ios', 25],
      ['android', 20],
    ])
    const actor: Actor = {
      session: `s_${random.hex(8)}`,
      platform,
      userAgent: random.pick(userAgents[platform]),
      ip: randomIp(random),
    }
    let time = dayStart + timeOfDay(random.next(), random.next())
    const referer = random.pick([
      'https://www.google.com/',
      'https://www.instagram.com/',
      'https://t.co/',
      null,
    ] as const)
    requests.push({ time, actor, method: 'GET', path: '/', referer })
    for (let pages = random.int(1, 5); pages > 0; pages--) {
      time += random.exponential(45_000)
      requests.push({ time, actor, method: 'GET', path: random.pick(visitorPages) })
    }
    if (!random.chance(signUpRate)) continue

    // Sign-up: now and then a form error first, then the retry that works.
    time += random.exponential(180_000)
    if (random.chance(0.08)) {
      requests.push({ time, actor, method: 'POST', path: '/api/users', status: 422 })
      time += random.exponential(40_000)
    }
    const userId = `u_${arrival}${String(i).padStart(5, '0')}`
    requests.push({ time, actor: { ...actor, userId }, method: 'POST', path: '/api/users', status: 201 })
    const user: Actor = { ...actor, userId, session: undefined }
    const end = dayStart + lifecycleDays * dayMs
    const at = (delay: number) => {
      time += delay
      return time
    }
    const add = (when: number, method: HttpMethod, path: string, status = 200) => {
      if (when < end) requests.push({ time: when, actor: user, method, path, status })
    }
    const goals = {
      profile: random.chance(0.72),
      photo: random.chance(0.68),
      career: random.chance(0.4),
      education: random.chance(0.45),
      request: random.chance(0.7),
      accept: random.chance(0.65),
      messages: random.int(0, 12),
    }
    const engagement = random.next()
    if (goals.profile) {
      add(at(random.exponential(6 * hour)), 'PUT', '/api/users/me')
      if (goals.career) add(time + random.exponential(hour), 'POST', '/api/users/me/career', 201)
      if (goals.education) add(time + random.exponential(hour), 'POST', '/api/users/me/education', 201)
      if (goals.photo) {
        add(at(random.exponential(10 * hour)), 'POST', '/api/photos', 201)
        if (goals.request) {
          add(at(random.exponential(20 * hour)), 'POST', '/api/friend-requests', 201)
          if (goals.accept)
            add(at(random.exponential(30 * hour)), 'POST', `/api/friend-requests/${id(random)}/accept`)
        }
      }
    }
    // Everyone who signed up browses and, more or less, talks; the engaged ones more.
    let chat = time
    for (let m = 0; m < goals.messages * engagement; m++) {
      chat += random.exponential(18 * hour)
      if (random.chance(0.6)) add(chat, 'POST', '/api/messages', 201)
      else add(chat, 'GET', '/api/messages')
      if (random.chance(0.5)) add(chat + 60_000, 'POST', `/api/posts/${id(random)}/likes`, 201)
    }
  }
  return requests
}

const visitorPages = ['/signup', '/about', '/pricing', '/api/public/profiles', '/blog/finding-friends']

const userActions: readonly (readonly [readonly [HttpMethod, string], number])[] = [
  [['GET', '/api/feed'], 30],
  [['GET', '/api/messages'], 14],
  [['GET', '/api/users/:id'], 12],
  [['GET', '/api/notifications'], 10],
  [['POST', '/api/messages'], 12],
  [['POST', '/api/posts/:id/likes'], 10],
  [['GET', '/api/photos/:id'], 6],
  [['GET', '/api/users/me'], 4],
  [['POST', '/api/friend-requests'], 2],
  [['POST', '/api/friend-requests/:id/accept'], 1.5],
  [['POST', '/api/photos'], 1.5],
  [['PUT', '/api/users/me'], 1],
  [['POST', '/api/users/me/career'], 0.4],
  [['POST', '/api/users/me/education'], 0.4],
  [['DELETE', '/api/messages/:id'], 0.3],
]

function userRequest(random: Random, time: number, actor: Actor): Request {
  const [method, template] = random.weighted(userActions)
  return {
    time,
    actor,
    method,
    path: template.includes(':id') ? template.replace(':id', id(random)) : template,
  }
}

const botPaths = ['/', '/robots.txt', '/sitemap.xml', '/about', '/u/:id', '/blog/finding-friends']

function botRequest(random: Random, time: number): Request {
  const actor: Actor = { platform: 'bot', userAgent: random.pick(botUserAgents), ip: randomIp(random) }
  const path = random.pick(botPaths).replace(':id', id(random))
  return { time, actor, method: 'GET', path, referer: null }
}

/** An established user's device, agent and address: the same every day. */
function establishedUser(seed: number, n: number): Actor {
  const random = seededRandom(mixSeed(seed, n, 4))
  const platform = random.weighted<Platform>([
    ['ios', 45],
    ['android', 35],
    ['web', 20],
  ])
  return { userId: `u_${n}`, platform, userAgent: random.pick(userAgents[platform]), ip: randomIp(random) }
}

function id(random: Random): string {
  return String(random.int(1000, 9_999_999))
}

function randomIp(random: Random): string {
  return `${random.pick([203, 198, 81, 92, 176, 213, 37, 84])}.${random.int(0, 256)}.${random.int(0, 256)}.${random.int(1, 255)}`
}

function statusFor(random: Random, method: HttpMethod): number {
  const r = random.next()
  if (r < 0.005) return 500
  if (r < 0.02) return 404
  if (method === 'GET') return r < 0.06 ? 304 : 200
  if (r < 0.03) return 401
  return method === 'POST' ? 201 : 200
}

function render(request: Request, random: Random, hosts: number): AccessLogLine {
  const { actor, method, path } = request
  const status = request.status ?? statusFor(random, method)
  const latency = (method === 'GET' ? 0.02 : 0.08) + random.exponential(method === 'GET' ? 0.06 : 0.2)
  const content_length =
    status === 304 ? 0 : method === 'GET' ? random.int(400, 40_000) : random.int(80, 2_500)
  const requestId = random.hex(16)
  const host = `web-${random.int(1, hosts + 1)}`
  const native = actor.userAgent.startsWith('ExampleApp/')
  const referer = request.referer !== undefined ? request.referer : native ? null : 'https://app.example.com/'
  // Keys in the order the servers write them: timestamp, then who, then what.
  return {
    timestamp: new Date(Math.floor(request.time)).toISOString(),
    // Left undefined rather than absent: JSON.stringify omits them, and one object shape is faster.
    user_id: actor.userId,
    session: actor.session,
    ip: actor.ip,
    method,
    path,
    response_code: status,
    latency: Math.round(latency * 1000) / 1000,
    content_length,
    user_agent: actor.userAgent,
    referer,
    request_id: `${requestId.slice(0, 8)}-${requestId.slice(8, 12)}-${requestId.slice(12, 16)}-${requestId.slice(16, 20)}-${requestId.slice(20)}`,
    host,
  }
}
