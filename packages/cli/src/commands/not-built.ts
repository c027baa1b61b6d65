import { cliError } from '../errors.ts'

/**
 * What commands that need the pipelines engine do until it lands: say so in one line and exit
 * with code 2 ("not available"), never pretend to work.
 */
export function pipelinesEngineNotBuilt(command: string): never {
  throw cliError(
    'ENGINE_NOT_BUILT',
    `'${command}' is not available yet: the pipelines engine (@steward/pipelines) is not built yet`,
  )
}

/** Help text shared by those commands. */
export const notBuiltNote =
  '\n\nNot available yet: needs the pipelines engine, which is not built yet (exits with code 2).'
