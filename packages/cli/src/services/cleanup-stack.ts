import { isStewardError } from '@steward/kernel'

/**
 * Things to stop, stopped in the reverse order they started (web before Redis before the
 * database it reads). One failing stop does not keep the others from running.
 */
export class CleanupStack {
  readonly #steps: { name: string; stop: () => Promise<unknown> }[] = []

  push(name: string, stop: () => Promise<unknown>): void {
    this.#steps.push({ name, stop })
  }

  get names(): string[] {
    return this.#steps.map((step) => step.name).reverse()
  }

  async run(warn: (line: string) => void): Promise<void> {
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await step.stop()
      } catch (error) {
        const message = isStewardError(error) || error instanceof Error ? error.message : String(error)
        warn(`steward: could not stop ${step.name} cleanly: ${message}`)
      }
    }
  }
}
