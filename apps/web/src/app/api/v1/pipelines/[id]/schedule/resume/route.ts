import { changeScheduleRoute } from '#server/api/schedule-route.ts'

export const dynamic = 'force-dynamic'

/** POST /api/v1/pipelines/:id/schedule/resume: see `changeScheduleRoute`. */
export function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return changeScheduleRoute(request, context, 'resume')
}
