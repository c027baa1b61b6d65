import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis'

/**
 * Where Redis is. `REDIS_URL` names one server (`redis://host:6379`, `rediss://` for TLS) or the
 * seed nodes of a Redis Cluster (`redis-cluster://host1:7000,host2:7000`, `rediss-cluster://` for
 * TLS; user and password as in a plain URL, shared by every node). The client discovers the other
 * nodes from the seeds, so a few are enough.
 */
export type RedisTarget =
  | { kind: 'server'; url: string }
  | {
      kind: 'cluster'
      nodes: { host: string; port: number }[]
      username?: string
      password?: string
      tls: boolean
    }

const clusterScheme = /^(rediss?)-cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/i

/** Reads a Redis URL; throws a one-line error naming what is wrong with a cluster URL. */
export function redisTarget(url: string): RedisTarget {
  const cluster = clusterScheme.exec(url.trim())
  if (!cluster) return { kind: 'server', url }
  const [, scheme = 'redis', auth, hosts = ''] = cluster
  const nodes = hosts.split(',').map((entry) => {
    const node = new URL(`redis://${entry.trim()}`)
    if (node.hostname === '') throw new Error(`a node of the cluster URL names no host: "${entry}"`)
    return { host: node.hostname.replace(/^\[|\]$/g, ''), port: node.port === '' ? 6379 : Number(node.port) }
  })
  const [username, password] = auth === undefined ? [] : splitAuth(auth)
  return {
    kind: 'cluster',
    nodes,
    tls: scheme.toLowerCase() === 'rediss',
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  }
}

function splitAuth(auth: string): [string, string] {
  const colon = auth.indexOf(':')
  if (colon < 0) return [decodeURIComponent(auth), '']
  return [decodeURIComponent(auth.slice(0, colon)), decodeURIComponent(auth.slice(colon + 1))]
}

/** A client for `url`: a `Redis` for one server, a `Cluster` for a cluster URL; `options` apply per node. */
export function openRedisClient(url: string, options: RedisOptions = {}): Redis | Cluster {
  const target = redisTarget(url)
  if (target.kind === 'server') return new Redis(url, options)
  const nodeOptions: RedisOptions = {
    ...options,
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.tls ? { tls: {} } : {}),
  }
  const clusterOptions: ClusterOptions = {
    redisOptions: nodeOptions,
    lazyConnect: options.lazyConnect ?? false,
    enableOfflineQueue: options.enableOfflineQueue ?? true,
    // A probe must fail fast instead of waiting for the cluster to come back.
    ...(options.retryStrategy ? { clusterRetryStrategy: () => null } : {}),
  }
  return new Cluster(target.nodes, clusterOptions)
}

/**
 * Every primary of the client: the one server, or each master of a cluster. Key scans run on each,
 * since a cluster spreads keys over its masters.
 */
export function primaries(client: Redis | Cluster): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client]
}
