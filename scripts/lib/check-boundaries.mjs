// The package boundaries, checked: which workspace may import which, read from the `boundaries`
// block of docs/architecture.md (so the page and the check cannot disagree), plus the third-party
// modules only one package may import, and no relative import that leaves its package.
// Plain Node with no dependencies: `npm test` runs it before anything else.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, normalize, relative, sep } from 'node:path'

const sourceFile = /\.(ts|tsx|mts|mjs)$/
const skipDirs = new Set(['node_modules', '.next', 'dist', '.turbo', '.steward'])
// `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')`.
const importSpec = /(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"\n]+)\1/g

/**
 * Reads the rules: one line per workspace, `<name> <folder> -> <names it may import>`, optionally
 * followed by `; tests: <names its tests may import too>`,
 * and `only <module> <workspace>[, <workspace>…]` for third-party modules one boundary owns.
 */
export function readRules(architectureMd) {
  const block = architectureMd.match(/```boundaries\n([\s\S]*?)```/)
  if (!block) throw new Error('docs/architecture.md has no ```boundaries block')
  const workspaces = new Map()
  const only = new Map()
  for (const raw of block[1].split('\n')) {
    const line = raw.replace(/#.*/, '').trim()
    if (!line) continue
    const owned = line.match(/^only\s+(\S+)\s+(.+)$/)
    if (owned) {
      only.set(
        owned[1],
        owned[2].split(',').map((s) => s.trim()),
      )
      continue
    }
    const ws = line.match(/^(\S+)\s+(\S+)\s*->\s*(.*)$/)
    if (!ws) throw new Error(`docs/architecture.md, boundaries block: cannot read "${line}"`)
    const [code, tests = ''] = ws[3].split(/;\s*tests:/)
    const names = (list) =>
      list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    workspaces.set(ws[1], { name: ws[1], dir: ws[2], allowed: names(code), testsAllowed: names(tests) })
  }
  return { workspaces, only }
}

function* filesUnder(dir) {
  for (const entry of readdirSync(dir)) {
    if (skipDirs.has(entry)) continue
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) yield* filesUnder(path)
    else if (sourceFile.test(entry)) yield path
  }
}

/** `@steward/engine/control` → `engine`; `@scope/pkg/x` → `@scope/pkg`; `pkg/x` → `pkg`. */
function packageOf(spec) {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** Every import that breaks a rule, as `file: what is wrong`. */
export function checkBoundaries(root) {
  const rules = readRules(readFileSync(join(root, 'docs', 'architecture.md'), 'utf8'))
  const byDir = new Map([...rules.workspaces.values()].map((w) => [w.dir, w]))
  const problems = []
  for (const ws of rules.workspaces.values()) {
    const wsRoot = join(root, ws.dir)
    if (!existsSync(wsRoot)) {
      problems.push(`docs/architecture.md, boundaries: ${ws.name}'s folder ${ws.dir} does not exist`)
      continue
    }
    for (const file of filesUnder(wsRoot)) {
      const shown = relative(root, file)
      const isTest = /\.test\.tsx?$/.test(file) || /(^|[\\/])(test|testing)[\\/]/.test(relative(wsRoot, file))
      const allowed = isTest ? [...ws.allowed, ...ws.testsAllowed] : ws.allowed
      const text = readFileSync(file, 'utf8')
      for (const [, , spec] of text.matchAll(importSpec)) {
        if (spec.startsWith('node:')) continue
        if (spec.startsWith('.')) {
          const target = normalize(join(file, '..', spec))
          if (!target.startsWith(wsRoot + sep)) {
            const owner = [...byDir.keys()].find((d) => target.startsWith(join(root, d) + sep))
            problems.push(
              `${shown}: the relative import '${spec}' leaves ${ws.dir}` +
                (owner ? `: import @steward/${byDir.get(owner).name} instead` : ''),
            )
          }
          continue
        }
        const pkg = packageOf(spec)
        if (pkg.startsWith('@steward/')) {
          const name = pkg.slice('@steward/'.length)
          if (name !== ws.name && !allowed.includes(name))
            problems.push(`${shown}: ${ws.name} may not import ${pkg} (docs/architecture.md, boundaries)`)
          continue
        }
        const owners = rules.only.get(pkg)
        if (owners && !owners.includes(ws.name))
          problems.push(
            `${shown}: only ${owners.join(', ')} may import ${pkg} (docs/architecture.md, boundaries)`,
          )
      }
    }
  }
  return problems
}
