/**
 * What the backfill form shows after a submission that did not start one: the reason, and the
 * values as submitted. A plain module (not 'use server'), so the client form can import it.
 */
export interface BackfillFormState {
  message?: string
  values: Record<string, string>
}

export const initialBackfillFormState: BackfillFormState = { values: {} }
