/**
 * Runs a transaction again when PostgreSQL aborted it for a reason that a second try fixes: a
 * deadlock (40P01) or a serialization failure (40001). Both mean the transaction was rolled back,
 * so trying again cannot apply anything twice. Without this, a claim or finish that lost such a
 * race would leave its step `running` until the reconciler's heartbeat timeout.
 */
export async function withTransientRetry<T>(work: () => Promise<T>, tries = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (attempt >= tries || !isTransient(error)) throw error
      // Jittered, growing pause: the competing transaction is usually done within a millisecond or two.
      await new Promise((resolve) => setTimeout(resolve, attempt * 2 + Math.random() * 5))
    }
  }
}

const transientCodes = new Set(['40P01', '40001'])

export function isTransient(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    transientCodes.has(String((error as { code?: unknown }).code))
  )
}
