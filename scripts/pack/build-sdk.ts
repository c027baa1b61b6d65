import { cp, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { buildPackage, typePathsOf } from './build-package.ts'
import type { WorkspacePackage } from './workspace.ts'

/** Where the kernel's files go inside the SDK's dist/. */
const kernelFolder = '_kernel'

/**
 * The SDK as a team installs it: `@steward/pipelines` compiled with its declarations, and the
 * kernel it builds on (errors, durations, civil time) compiled into its own `dist/_kernel/`, so
 * the SDK is one package whose only dependencies are zod and cron-parser.
 */
export async function buildSdk(
  root: string,
  sdk: WorkspacePackage,
  kernel: WorkspacePackage,
  stageDir: string,
  workDir: string,
): Promise<void> {
  const kernelDist = join(workDir, 'kernel-dist')
  await buildPackage(root, kernel, kernelDist, {}, workDir)
  const dist = join(stageDir, 'dist')
  await buildPackage(root, sdk, dist, typePathsOf(kernel, kernelDist), workDir)
  await cp(kernelDist, join(dist, kernelFolder), { recursive: true })
  // `@steward/kernel` → the relative path of dist/_kernel/index.js from each emitted file.
  for (const file of await filesUnder(dist)) {
    if (file.startsWith(join(dist, kernelFolder)) || !/\.(js|d\.ts)$/.test(file)) continue
    const text = await readFile(file, 'utf8')
    if (!text.includes("'@steward/kernel'")) continue
    let target = relative(dirname(file), join(dist, kernelFolder, 'index.js'))
      .split('\\')
      .join('/')
    if (!target.startsWith('.')) target = `./${target}`
    await writeFile(file, text.replaceAll("'@steward/kernel'", `'${target}'`))
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) files.push(join(entry.parentPath, entry.name))
  }
  return files
}
