import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cliError } from '../errors.ts'

/** Where the web UI that `steward dev` and `steward start` serve lives, and how to run it. */
export interface WebAppDir {
  /** The `@steward/web` package: apps/web in a Steward checkout, node_modules/@steward/web in a project. */
  dir: string
  /** Next.js's own command, resolved from the web package so both use the same Next. */
  nextBin: string
  /**
   * True in a Steward checkout, where the UI's sources sit beside it and are built when they
   * changed; false for the installed package, which ships its production build.
   */
  fromSource: boolean
}

/**
 * Finds the web UI: the prebuilt one inside the installed `steward` package (`ui/`, beside the
 * bundled `dist/main.js`), else `@steward/web` the way Node resolves it from here, which in
 * Steward's own repository is apps/web (not a declared dependency: the web's tests depend on
 * the CLI).
 */
export function findWebApp(): WebAppDir {
  const packaged = fileURLToPath(new URL('../ui/package.json', import.meta.url))
  let packageJson = packaged
  if (!existsSync(packaged)) {
    try {
      packageJson = createRequire(import.meta.url).resolve('@steward/web/package.json')
    } catch {
      throw cliError(
        'WEB_APP_MISSING',
        'the web UI (@steward/web) is not installed: run npm install, or pass --no-web',
      )
    }
  }
  const dir = dirname(packageJson)
  let nextBin: string
  try {
    nextBin = createRequire(packageJson).resolve('next/dist/bin/next')
  } catch {
    throw cliError(
      'WEB_APP_MISSING',
      `Next.js is not installed beside the web UI (${dir}): run npm install, or pass --no-web`,
    )
  }
  const fromSource = existsSync(join(dir, 'src', 'app')) && existsSync(join(dir, 'next.config.ts'))
  return { dir, nextBin, fromSource }
}
