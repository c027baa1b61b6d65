import type { ReactNode } from 'react'

export function PageHeader({
  title,
  description,
  aside,
}: {
  title: string
  description: ReactNode
  aside?: ReactNode
}) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        <p className="page-header__description">{description}</p>
      </div>
      {aside}
    </div>
  )
}
