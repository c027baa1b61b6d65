import { userInfo } from 'node:os'
import { openRuntimeQueue, pauseSchedule, resumeSchedule, type ScheduleState } from '@steward/engine'
import type { Command } from 'commander'
import { auditCli } from '../audit/audit-cli.ts'
import { openDatabase } from '../database/open-database.ts'
import { readCliSettings } from '../env.ts'
import { out } from '../output/print.ts'
import { assertQueueAnswers, queueTargetFor } from '../project/runtime-services.ts'

export function registerSchedulesCommand(program: Command): void {
  const schedules = program
    .command('schedules')
    .description('pause or resume the schedule of a deployed pipeline')
    .addHelpText(
      'after',
      `
A paused schedule starts no run until it is resumed, stays paused across deploys, and is not
reported as missed by /api/health. steward list shows it paused. Resuming does not make up the
fire times it missed.

Example:
  steward schedules pause signup-funnel.build
  steward schedules resume signup-funnel.build`,
    )
  schedules
    .command('pause')
    .description('stop the schedule of a pipeline from starting runs')
    .argument('<pipeline>', 'the pipeline id, e.g. signup-funnel.build')
    .action((pipelineId: string) => changeSchedule(pipelineId, 'pause'))
  schedules
    .command('resume')
    .description('let a paused schedule start runs again, from its next fire time')
    .argument('<pipeline>', 'the pipeline id, e.g. signup-funnel.build')
    .action((pipelineId: string) => changeSchedule(pipelineId, 'resume'))
}

async function changeSchedule(pipelineId: string, change: 'pause' | 'resume'): Promise<void> {
  const settings = readCliSettings()
  const db = await openDatabase(settings)
  try {
    const target = await queueTargetFor(settings, db)
    await assertQueueAnswers(target)
    const queue = openRuntimeQueue(target)
    try {
      const state =
        change === 'pause'
          ? await pauseSchedule(db.db, queue, pipelineId, { by: `cli:${userInfo().username}` })
          : await resumeSchedule(db.db, queue, pipelineId)
      await auditCli(db.db, change === 'pause' ? 'schedule.pause' : 'schedule.resume', {
        kind: 'pipeline',
        id: pipelineId,
      })
      out(describeState(state))
    } finally {
      await queue.close()
    }
  } finally {
    await db.close()
  }
}

function describeState(state: ScheduleState): string {
  const schedule = `${state.cron} (${state.timezone})`
  return state.pausedAt
    ? `${state.pipelineId}: schedule ${schedule} paused since ${state.pausedAt.toISOString()}${state.pausedBy ? ` by ${state.pausedBy}` : ''}`
    : `${state.pipelineId}: schedule ${schedule} running`
}
