'use client'

import { useEffect } from 'react'

/**
 * With JavaScript, a change of a filter's select submits the catalog's GET form at once, so the
 * Apply button is only needed without it. The form and its query string stay the source of truth.
 */
export function CatalogAutoSubmit({ formId }: { formId: string }) {
  useEffect(() => {
    const form = document.getElementById(formId)
    if (!(form instanceof HTMLFormElement)) return
    const onChange = (event: Event) => {
      if (event.target instanceof HTMLSelectElement) form.requestSubmit()
    }
    form.addEventListener('change', onChange)
    return () => form.removeEventListener('change', onChange)
  }, [formId])
  return null
}
