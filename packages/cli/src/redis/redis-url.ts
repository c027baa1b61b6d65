/** The parts of a Redis URL that deciding "can we start it here?" needs. */
export interface RedisAddress {
  host: string
  port: number
  tls: boolean
  /** 127.0.0.1, localhost or ::1: a Redis we may start ourselves. */
  local: boolean
}

const localHosts = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])

/** Expects a URL already checked by @steward/config's `parseRedisUrl`. */
export function redisAddress(url: string): RedisAddress {
  const parsed = new URL(url)
  const host = parsed.hostname
  return {
    host,
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    tls: parsed.protocol === 'rediss:',
    local: localHosts.has(host.toLowerCase()),
  }
}
