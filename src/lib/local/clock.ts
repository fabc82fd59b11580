import {adminCall} from './admin.js'

/** The emulator's clock: how far it has been moved ahead of this machine's, and the time it reads. */
export interface ClockReport {
  offsetMs: number
  now: string
}

type Started = (endpoint: string, pid: number) => void

export function emulatorClock(onDaemonStarted?: Started): Promise<ClockReport> {
  return adminCall('clock', {onDaemonStarted})
}

/** Moves the emulator's clock forward (it never goes back), e.g. to age backups and snapshots. */
export function advanceClock(ms: number, onDaemonStarted?: Started): Promise<ClockReport> {
  return adminCall('clock/advance', {method: 'POST', body: {ms}, onDaemonStarted})
}
