/** The parts of a Redis URL that deciding "can we start it here?" needs. */
export interface RedisAddress {
  host: string
  port: number
  tls: boolean
  /** 127.0.0.1, localhost or ::1, and one server (never a cluster): a Redis we may start ourselves. */
  local: boolean
}

const localHosts = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])

/** Expects a URL already checked by @steward/config's `parseRedisUrl`. */
export function redisAddress(url: string): RedisAddress {
  const cluster = /^(rediss?)-cluster:\/\/(?:[^@/]*@)?([^,/]+)/i.exec(url)
  if (cluster) {
    // A cluster is never started here: its first seed node stands for it in messages.
    const first = new URL(`redis://${cluster[2]}`)
    const port = first.port === '' ? 6379 : Number(first.port)
    return { host: first.hostname, port, tls: cluster[1]?.toLowerCase() === 'rediss', local: false }
  }
  const parsed = new URL(url)
  const host = parsed.hostname
  return {
    host,
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    tls: parsed.protocol === 'rediss:',
    local: localHosts.has(host.toLowerCase()),
  }
}
