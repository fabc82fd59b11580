import type {FaultAction, FaultReport, VolumeReport} from '../emulator/storage-admin.js'
import {adminCall} from './admin.js'

export type {FaultReport, VolumeReport}

type Started = (endpoint: string, pid: number) => void

export function volumeReport(region: string, cluster: string, onDaemonStarted?: Started, checksum = false): Promise<VolumeReport> {
  return adminCall('volume', {query: {region, cluster, checksum: checksum ? '1' : undefined}, onDaemonStarted})
}

export function writeToVolume(region: string, cluster: string, records: number, onDaemonStarted?: Started): Promise<{committed: number; vdl: number}> {
  return adminCall('volume/write', {method: 'POST', body: {region, cluster, records}, onDaemonStarted})
}

export function listFaults(region: string, onDaemonStarted?: Started): Promise<FaultReport> {
  return adminCall('faults', {query: {region}, onDaemonStarted})
}

export function injectFault(region: string, fault: FaultAction, onDaemonStarted?: Started): Promise<FaultReport> {
  return adminCall('faults', {method: 'POST', body: {region, ...fault}, onDaemonStarted})
}

export function setRepairPaused(paused: boolean, onDaemonStarted?: Started): Promise<{repairPaused: boolean}> {
  return adminCall('repair', {method: 'POST', body: {paused}, onDaemonStarted})
}
