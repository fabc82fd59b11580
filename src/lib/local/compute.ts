import type {ComputeReport} from '../emulator/compute-admin.js'
import {WaitTimeout, type WaitSettings} from '../rds/wait.js'
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
 * accepts writes). Clusters without a SQL engine, or whose engine has not run yet, return at once.
 */
export async function waitForWriterEngine(region: string, cluster: string, settings: WaitSettings, pollMs = 50): Promise<void> {
  const deadline = Date.now() + settings.timeoutMs
  for (;;) {
    const report = await computeReport(region, cluster)
    const writer = report.instances.find((i) => i.role === 'writer')
    if (report.sql === 'none' || report.idle || writer?.engine === 'running') return
    const state = `writer ${writer?.id ?? '?'} engine ${writer?.engine ?? 'stopped'}`
    settings.onProgress?.(state)
    if (Date.now() >= deadline) throw new WaitTimeout(`the new writer of ${cluster} to accept writes`, state)
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}
