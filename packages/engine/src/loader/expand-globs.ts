import { readdir, stat } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'

/**
 * Finds the files a config's `definitions` name. Node 20 has no stable glob, and the patterns we
 * need are few: `*` and `?` within a path segment, `**` across folders, `{a,b}` alternatives.
 * Folders named node_modules or starting with a dot are never walked, and `.d.ts` files never
 * match: neither holds definitions.
 */
export interface ExpandedPattern {
  pattern: string
  /** Absolute paths, sorted. */
  files: string[]
}

export async function expandGlobs(root: string, patterns: readonly string[]): Promise<ExpandedPattern[]> {
  const results: ExpandedPattern[] = []
  for (const pattern of patterns) {
    const normalized = pattern.replace(/\\/g, '/').replace(/^\.\//, '')
    if (!/[*?{]/.test(normalized)) {
      const file = resolve(root, normalized)
      const found = await stat(file).then(
        (s) => s.isFile(),
        () => false,
      )
      results.push({ pattern, files: found ? [file] : [] })
      continue
    }
    const segments = normalized.split('/')
    const firstGlob = segments.findIndex((segment) => /[*?{]/.test(segment))
    const base = resolve(root, ...segments.slice(0, firstGlob))
    const matcher = globToRegExp(segments.slice(firstGlob).join('/'))
    const files = (await walk(base)).filter((file) => matcher.test(relative(base, file).split(sep).join('/')))
    results.push({ pattern, files: files.filter((file) => !file.endsWith('.d.ts')).sort() })
  }
  return results
}

export function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] ?? ''
    if (char === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more folders; a trailing `**` matches everything below.
      if (glob[i + 2] === '/') {
        source += '(?:[^/]+/)*'
        i += 2
      } else {
        source += '.*'
        i += 1
      }
    } else if (char === '*') source += '[^/]*'
    else if (char === '?') source += '[^/]'
    else if (char === '{') {
      const end = glob.indexOf('}', i)
      if (end === -1) source += '\\{'
      else {
        const options = glob.slice(i + 1, end).split(',')
        source += `(?:${options.map((option) => option.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|')})`
        i = end
      }
    } else source += char.replace(/[.+^$()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  const files: string[] = []
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await walk(path)))
    else if (entry.isFile()) files.push(path)
  }
  return files
}
