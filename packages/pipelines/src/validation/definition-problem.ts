/** One thing wrong with the definitions, located well enough to fix without searching. */
export interface DefinitionProblem {
  /** The file, relative to the project (the folder of steward.config.ts). */
  file: string
  /** The line in `file`, when known (a file that failed to import: where it threw or did not compile). */
  line?: number
  /** The definition, kind and id: `pipeline signup-funnel.build`, `product weekly-signup-funnel`, `config`; empty for the file as a whole. */
  definition: string
  /** The option, e.g. `schedule.timezone`, `owners[0].slack`, `steps.funnel.needs`; empty for the definition as a whole. */
  field: string
  message: string
}

/**
 * One line (`file:line` when the line is known): `pipelines/funnel.ts › pipeline signup-funnel.build › schedule.timezone: "Asia/Seol" is not an IANA time zone`.
 */
export function formatProblem(problem: DefinitionProblem): string {
  const file = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`
  const where = [file, problem.definition, problem.field].filter((part) => part !== '').join(' › ')
  return `${where}: ${problem.message}`
}
