import { cliError } from '../errors.ts'

/** What one `steward start` process runs; any mix, any number of copies, on any machines. */
export type Role = 'web' | 'worker' | 'scheduler'
export const roles: readonly Role[] = ['web', 'worker', 'scheduler']

/**
 * `--role` values, repeated or comma-separated (`--role worker,scheduler`, `--role web --role
 * worker`); `all` is every role. Unknown names fail in one line naming the valid ones.
 */
export function parseRoles(values: readonly string[]): Set<Role> {
  const chosen = new Set<Role>()
  for (const name of values.flatMap((value) => value.split(',')).map((n) => n.trim().toLowerCase())) {
    if (name === '') continue
    if (name === 'all') for (const role of roles) chosen.add(role)
    else {
      const role = roles.find((r) => r === name)
      if (!role)
        throw cliError(
          'ROLE_UNKNOWN',
          `unknown role "${name}" in --role: the roles are ${roles.join(', ')}, all`,
        )
      chosen.add(role)
    }
  }
  if (chosen.size === 0) for (const role of roles) chosen.add(role)
  return chosen
}
