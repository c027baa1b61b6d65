import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runCommand } from './run-command.ts'
import type { WorkspacePackage } from './workspace.ts'

/** What a built package offers other packages' builds: each import path and its declarations. */
export type TypePaths = Record<string, string[]>

/** Helpers for the suite itself (test databases, stand-in servers), not for users. */
export function publishesTesting(pkg: WorkspacePackage): boolean {
  return pkg.manifest.name === '@steward/pipelines'
}

/**
 * Compiles a package's TypeScript to JavaScript with declarations in `outDir`: relative `.ts`
 * imports become `.js`, tests and fixtures stay out. Other workspace packages are compiled against
 * their built declarations (`typePaths`), not their sources, so each package's output holds its own
 * files only, exactly as it will be installed.
 */
export async function buildPackage(
  root: string,
  pkg: WorkspacePackage,
  outDir: string,
  typePaths: TypePaths,
  workDir: string,
): Promise<void> {
  const src = join(pkg.dir, 'src')
  const exclude = [join(src, '**/*.test.ts'), join(src, '**/fixtures/**')]
  if (!publishesTesting(pkg)) exclude.push(join(src, 'testing/**'))
  const tsconfig = {
    extends: join(root, 'tsconfig.base.json'),
    compilerOptions: {
      noEmit: false,
      noEmitOnError: true,
      declaration: true,
      rewriteRelativeImportExtensions: true,
      rootDir: src,
      outDir,
      paths: typePaths,
      tsBuildInfoFile: null,
    },
    include: [join(src, '**/*.ts')],
    exclude,
  }
  await mkdir(workDir, { recursive: true })
  const file = join(workDir, `${pkg.folder}.tsconfig.json`)
  await writeFile(file, JSON.stringify(tsconfig, null, 2))
  const output = await runCommand(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', file],
    { cwd: root },
  )
  if (output.code !== 0) throw new Error(`tsc failed for ${pkg.manifest.name}:\n${output.output}`)
}

/** The import paths a built package adds, pointing at its declarations under `outDir`. */
export function typePathsOf(pkg: WorkspacePackage, outDir: string): TypePaths {
  const paths: TypePaths = {}
  for (const [subpath, target] of Object.entries(publishedExports(pkg))) {
    paths[`${pkg.manifest.name}${subpath.slice(1)}`] = [join(outDir, target.types.replace(/^\.\/dist\//, ''))]
  }
  return paths
}

/** `./src/x/y.ts` → `{ types: ./dist/x/y.d.ts, default: ./dist/x/y.js }`, per published subpath. */
export function publishedExports(pkg: WorkspacePackage): Record<string, { types: string; default: string }> {
  const exports: Record<string, { types: string; default: string }> = {}
  for (const [subpath, target] of Object.entries(pkg.manifest.exports ?? {})) {
    if (!target.startsWith('./src/')) continue
    if (subpath === './testing' && !publishesTesting(pkg)) continue
    const base = `./dist/${target.slice('./src/'.length).replace(/\.ts$/, '')}`
    exports[subpath] = { types: `${base}.d.ts`, default: `${base}.js` }
  }
  return exports
}
