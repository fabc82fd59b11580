import type {ComputeReport} from '../emulator/compute-admin.js'
import {adminCall} from './admin.js'

export type {ComputeReport}

type Started = (endpoint: string, pid: number) => void

export function computeReport(region: string, cluster: string, onDaemonStarted?: Started): Promise<ComputeReport> {
  return adminCall('compute', {query: {region, cluster}, onDaemonStarted})
}

export interface KillResult {
  instance: string
  cluster: string
  role: 'writer' | 'reader'
  recovery: 'failover' | 'restart'
}

export function killInstance(region: string, instance: string, onDaemonStarted?: Started): Promise<KillResult> {
  return adminCall('kill-instance', {method: 'POST', body: {region, instance}, onDaemonStarted})
}

/**
 * Waits until the cluster's writer engine runs (a failover's new writer has opened the volume and
 * accepts writes). Clusters without a SQL engine, or whose engine has not run yet, return at once. False if `timeoutMs` passed first.
 */
export async function waitForWriterEngine(region: string, cluster: string, timeoutMs: number, pollMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const report = await computeReport(region, cluster)
    if (report.sql === 'none' || report.idle || report.instances.some((i) => i.role === 'writer' && i.engine === 'running')) return true
    if (Date.now() >= deadline) return false
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}
