import { describe, expect, it } from 'vitest'
import { mentionsFor, resolveDestinations } from './destinations.ts'

const owners = [
  { team: 'growth-data', slack: '#growth-data', mention: ['U024BE7LH', 'S0123ABCD'] },
  { name: 'On call', slack: '#oncall', mention: ['S0ONCALL01', 'U024BE7LH'], mentionAt: 'warning' as const },
]

describe('resolveDestinations', () => {
  it('splits owners from stakeholders; a channel that is both gets the owners’ message', () => {
    expect(
      resolveDestinations(['owners', 'stakeholders'], {
        owners,
        stakeholders: [
          { name: 'PMs', slack: '#growth' },
          { name: 'Data', slack: '#growth-data' },
        ],
      }),
    ).toEqual({ destinations: ['#growth-data', '#oncall', '#growth'], stakeholderDestinations: ['#growth'] })
  })
  it('sends the stakeholders’ part to the owners when no stakeholder has Slack; named channels are the owners’ side', () => {
    expect(resolveDestinations('stakeholders', { owners, stakeholders: [{ name: 'PMs' }] })).toEqual({
      destinations: ['#growth-data', '#oncall'],
      stakeholderDestinations: [],
    })
    expect(resolveDestinations(['#data-oncall'], { owners, stakeholders: [] })).toEqual({
      destinations: ['#data-oncall'],
      stakeholderDestinations: [],
    })
  })
})

describe('mentionsFor', () => {
  it('mentions each owner from their severity up (critical by default), each id once', () => {
    expect(mentionsFor(owners, 'critical')).toEqual(['U024BE7LH', 'S0123ABCD', 'S0ONCALL01'])
    expect(mentionsFor(owners, 'warning')).toEqual(['S0ONCALL01', 'U024BE7LH'])
    expect(mentionsFor(owners, 'info')).toEqual([])
  })
  it('passes only ids Slack can address, whatever a stored catalog holds', () => {
    expect(
      mentionsFor([{ slack: '#x', mention: ['@maria', '<!channel>', 'U024BE7LH'] }], 'critical'),
    ).toEqual(['U024BE7LH'])
  })
})
