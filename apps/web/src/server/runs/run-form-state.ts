/**
 * What the "Run now" form shows after a submission that did not start a run: a message for the
 * whole form, errors per param, and the values as submitted so nothing typed is lost. A plain
 * module (not 'use server'), so the client form can import the type and the initial state.
 */
export interface RunFormState {
  message?: string
  fieldErrors: Record<string, string>
  values: Record<string, string>
}

export const initialRunFormState: RunFormState = { fieldErrors: {}, values: {} }

/**
 * The form field naming the partition a run builds, and its key in `values` and `fieldErrors`
 * (which hold params by bare name): a name no param can have.
 */
export const partitionField = '~partition'
