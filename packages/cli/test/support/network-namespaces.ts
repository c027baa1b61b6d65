// Machines on one machine: each Steward process in its own network namespace, joined to the host
// by a veth pair, so it has its own addresses and links, reaches PostgreSQL and Redis only over
// its link, and loses both when that link goes down. Needs root and `ip` (iproute2).
import { execFileSync, execSync } from 'node:child_process'
import { createServer, type Server, Socket } from 'node:net'

/** One namespace: the process inside sees the host at `hostAddress`, itself at `address`. */
export interface Machine {
  name: string
  /** The host's end of the link: where PostgreSQL, Redis and the Slack stand-in are reached. */
  hostAddress: string
  /** The namespace's own address: where the host reaches a server inside it. */
  address: string
  hostLink: string
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] })

/** Why namespaces cannot be made here, or undefined when they can. */
export function namespacesUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root'
  const probe = `stw-probe-${process.pid}`
  try {
    ip('netns', 'add', probe)
    ip('netns', 'delete', probe)
    return undefined
  } catch (error) {
    return `ip netns does not work here (${(error as Error).message.split('\n')[0]})`
  }
}

/**
 * Creates `names.length` namespaces, each with a veth pair on 10.<subnet>.<i>.0/24 (host .1, namespace
 * .2) and loopback up. `remove()` deletes them (and the veths with them).
 */
export function createMachines(names: string[], subnet: number): { machines: Machine[]; remove(): void } {
  const tag = (process.pid % 10_000).toString(36)
  const machines: Machine[] = []
  const remove = () => {
    for (const machine of machines) {
      try {
        ip('netns', 'delete', machine.name)
      } catch {}
      try {
        ip('link', 'delete', machine.hostLink)
      } catch {}
    }
  }
  try {
    names.forEach((role, index) => {
      const i = index + 1
      const machine: Machine = {
        name: `stw-${tag}-${role}`,
        hostAddress: `10.${subnet}.${i}.1`,
        address: `10.${subnet}.${i}.2`,
        hostLink: `sh${tag}${i}`,
      }
      const inner = `sn${tag}${i}`
      machines.push(machine)
      ip('netns', 'add', machine.name)
      ip('link', 'add', machine.hostLink, 'type', 'veth', 'peer', 'name', inner)
      ip('link', 'set', inner, 'netns', machine.name)
      ip('addr', 'add', `${machine.hostAddress}/24`, 'dev', machine.hostLink)
      ip('link', 'set', machine.hostLink, 'up')
      const inside = (...args: string[]) => ip('netns', 'exec', machine.name, 'ip', ...args)
      inside('addr', 'add', `${machine.address}/24`, 'dev', inner)
      inside('link', 'set', inner, 'up')
      inside('link', 'set', 'lo', 'up')
      inside('route', 'add', 'default', 'via', machine.hostAddress)
    })
  } catch (error) {
    remove()
    throw error
  }
  return { machines, remove }
}

/** Takes a machine's link down (its processes keep running, cut off) or back up. */
export function setLink(machine: Machine, up: boolean): void {
  ip('link', 'set', machine.hostLink, up ? 'up' : 'down')
}

/** SIGKILLs every process in the namespace: the machine dies. Answers the pids it killed. */
export function killMachine(machine: Machine): number[] {
  const pids = execSync(`ip netns pids ${machine.name}`, { encoding: 'utf8' })
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0)
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
  }
  return pids
}

/**
 * A TCP relay on `listenHost:port` to `127.0.0.1:port`: PostgreSQL and Redis listen on the host's
 * loopback only, and the namespaces reach them through their own link's host address.
 */
export async function relay(listenHost: string, port: number, targetPort = port): Promise<Server> {
  const server = createServer((client) => {
    const upstream = new Socket()
    upstream.connect(targetPort, '127.0.0.1')
    client.pipe(upstream).pipe(client)
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, listenHost, () => resolve())
  })
  return server
}
