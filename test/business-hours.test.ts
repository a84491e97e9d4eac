import { describe, expect, it } from 'vitest'
import { openState } from '../src/server/core/inbound/business-hours.js'
import { isStart, isStop } from '../src/server/core/inbound/opt-out.js'
import type { BusinessHours } from '../src/server/db/schema/index.js'

const hours = (timezone: string, schedule: BusinessHours['schedule'], enabled = true): BusinessHours => ({
  enabled,
  timezone,
  schedule,
  outOfHoursMessage: 'closed',
})

describe('business hours', () => {
  const weekdays = hours('Africa/Kigali', {
    monday: [
      { open: '09:00', close: '12:00' },
      { open: '14:00', close: '18:00' },
    ],
  })

  it('is open inside an interval and closed outside, in the organization’s time zone', () => {
    // 2026-11-23 is a Monday. Kigali is UTC+2.
    expect(openState(weekdays, new Date('2026-11-23T07:30:00Z')).open).toBe(true) // 09:30 local
    expect(openState(weekdays, new Date('2026-11-23T10:30:00Z')).open).toBe(false) // 12:30 local, lunch
    expect(openState(weekdays, new Date('2026-11-23T12:00:00Z')).open).toBe(true) // 14:00 local
    expect(openState(weekdays, new Date('2026-11-23T16:00:00Z')).open).toBe(false) // 18:00 local: close is exclusive
    expect(openState(weekdays, new Date('2026-11-24T08:00:00Z')).open).toBe(false) // Tuesday
  })

  it('names each closed period by when it began, so one notice per period', () => {
    const lunchA = openState(weekdays, new Date('2026-11-23T10:05:00Z'))
    const lunchB = openState(weekdays, new Date('2026-11-23T11:55:00Z'))
    const evening = openState(weekdays, new Date('2026-11-23T20:00:00Z'))
    const nextDay = openState(weekdays, new Date('2026-11-24T09:00:00Z'))
    expect(lunchA).toEqual({ open: false, periodKey: '2026-11-23T12:00' })
    expect(lunchB).toEqual(lunchA)
    expect(evening).toEqual({ open: false, periodKey: '2026-11-23T18:00' })
    expect(nextDay).toEqual(evening) // still the same closed stretch until next Monday
    const nextWeek = openState(weekdays, new Date('2026-11-30T17:00:00Z'))
    expect(nextWeek).toEqual({ open: false, periodKey: '2026-11-30T18:00' })
  })

  it('handles intervals that cross midnight, including Sunday into Monday', () => {
    const bar = hours('Europe/Paris', {
      friday: [{ open: '20:00', close: '02:00' }],
      sunday: [{ open: '22:00', close: '01:00' }],
    })
    // Paris is UTC+1 in November.
    expect(openState(bar, new Date('2026-11-27T22:00:00Z')).open).toBe(true) // Fri 23:00
    expect(openState(bar, new Date('2026-11-28T00:30:00Z')).open).toBe(true) // Sat 01:30
    expect(openState(bar, new Date('2026-11-28T01:30:00Z')).open).toBe(false) // Sat 02:30
    expect(openState(bar, new Date('2026-11-29T23:30:00Z')).open).toBe(true) // Mon 00:30, from Sunday
    expect(openState(bar, new Date('2026-11-30T00:30:00Z'))).toEqual({
      open: false,
      periodKey: '2026-11-30T01:00',
    })
  })

  it('follows daylight-saving changes (wall clock, not UTC offsets)', () => {
    const shop = hours('America/New_York', {
      sunday: [{ open: '09:00', close: '17:00' }],
      monday: [{ open: '09:00', close: '17:00' }],
    })
    // DST starts Sunday 2026-03-08: 09:00 local is 14:00Z before, 13:00Z after.
    expect(openState(shop, new Date('2026-03-01T14:30:00Z')).open).toBe(true) // Sun 09:30 EST
    expect(openState(shop, new Date('2026-03-01T13:30:00Z')).open).toBe(false) // Sun 08:30 EST
    expect(openState(shop, new Date('2026-03-08T13:30:00Z')).open).toBe(true) // Sun 09:30 EDT
    expect(openState(shop, new Date('2026-03-09T21:30:00Z')).open).toBe(false) // Mon 17:30 EDT
    expect(openState(shop, new Date('2026-11-02T14:30:00Z')).open).toBe(true) // Mon 09:30 EST, after fall back
  })

  it('is always open when disabled, and has one closed period when never open', () => {
    expect(openState(hours('UTC', {}, false), new Date()).open).toBe(true)
    expect(openState(hours('UTC', {}), new Date())).toEqual({ open: false, periodKey: 'never-open' })
  })
})

describe('opt-out keywords', () => {
  it('recognizes STOP and START variants and nothing else', () => {
    for (const w of ['STOP', 'stop', ' Stop. ', 'unsubscribe', 'STOPALL', 'arrêt', 'Baja'])
      expect(isStop(w), w).toBe(true)
    for (const w of ['START', 'start', 'Unstop']) expect(isStart(w), w).toBe(true)
    for (const w of ['stop by the shop tomorrow?', 'please start my order', 'hello']) {
      expect(isStop(w), w).toBe(false)
      expect(isStart(w), w).toBe(false)
    }
  })
})
