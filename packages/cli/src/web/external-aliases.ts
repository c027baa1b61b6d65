import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs'
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'

/**
 * Next's Turbopack build refers to the server's external packages (pg, PGlite, BullMQ, ioredis)
 * by hashed aliases (`pg-587764f78a6c7a9c`) that it links into `.next/node_modules`
 * (vercel/next.js#87737). `npm pack` drops every `node_modules` folder, so the packed UI ships the
 * alias names instead (`externals.json`) and `steward` links them again, to wherever the
 * installed project's `node_modules` holds each package, before it starts the server.
 */
export const aliasesFile = 'steward-externals.json'

/** alias → package name, read off a build's `.next/node_modules` links. */
export function readExternalAliases(distDir: string): Record<string, string> {
  const aliases: Record<string, string> = {}
  const linksDir = join(distDir, 'node_modules')
  if (!existsSync(linksDir)) return aliases
  const visit = (dir: string, scope: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry)
      if (entry.startsWith('@') && !scope && lstatSync(path).isDirectory()) {
        visit(path, `${entry}/`)
        continue
      }
      if (!lstatSync(path).isSymbolicLink()) continue
      const target = resolve(dirname(path), readlinkSync(path))
      const manifest = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as { name: string }
      aliases[`${scope}${entry}`] = manifest.name
    }
  }
  visit(linksDir, '')
  return aliases
}

export async function writeExternalAliases(distDir: string, aliases: Record<string, string>): Promise<void> {
  await writeFile(join(distDir, aliasesFile), `${JSON.stringify(aliases, null, 2)}\n`)
}

/**
 * Links each alias of the packed UI in `appDir/.next/node_modules` to the package as Node would
 * find it from `appDir` (its `node_modules`, then each parent's). Links that already point right
 * are kept. Throws naming a package that is not installed.
 */
export async function linkExternalAliases(appDir: string): Promise<void> {
  const distDir = join(appDir, '.next')
  const file = join(distDir, aliasesFile)
  if (!existsSync(file)) return
  const aliases = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
  for (const [alias, name] of Object.entries(aliases)) {
    const target = installedPackage(appDir, name)
    if (!target) throw new Error(`the web UI needs ${name}, which is not installed beside it (${appDir})`)
    const link = join(distDir, 'node_modules', alias)
    if (existsSync(link) && realpathSync(link) === realpathSync(target)) continue
    await rm(link, { force: true, recursive: true })
    await mkdir(dirname(link), { recursive: true })
    await symlink(target, link, 'dir')
  }
}

function installedPackage(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(dir) === dir) return undefined
  }
}
