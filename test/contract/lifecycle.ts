import type {DBCluster} from '@aws-sdk/client-rds'
import {expect} from 'vitest'

import type {RunResult} from '../helpers/process.js'

/** Runs the CLI against one target: the target adds its own backend flags and environment. */
export type Cli = (args: string[], input?: string) => Promise<RunResult>

function json<T>(result: RunResult): T {
  expect(result.code, `exit ${result.code}; stderr: ${result.stderr}`).toBe(0)
  return JSON.parse(result.stdout) as T
}

const writerOf = (c: DBCluster) => c.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier

/**
 * The first slice's contract: create with 3 instances → describe → scale to 4 →
 * failover → modify → delete, through the CLI as a user runs it. Every target
 * (local emulator daemon, moto via the aws backend) must pass it unchanged.
 */
export async function lifecycleScenario(run: Cli, id: string): Promise<void> {
  const created = json<DBCluster>(await run(['cluster', 'create', id, '--instances', '3', '--master-password-stdin', '--json'], 'correct-horse-9\n'))
  expect(created.DBClusterIdentifier).toBe(id)
  expect(created.Status).toBe('available')
  expect(created.DBClusterMembers).toHaveLength(3)
  expect(created.DBClusterMembers!.filter((m) => m.IsClusterWriter)).toHaveLength(1)

  const described = json<DBCluster>(await run(['cluster', 'describe', id, '--json']))
  expect(described.DBClusterIdentifier).toBe(id)
  expect(described.Endpoint).toBeTruthy()
  expect(described.ReaderEndpoint).toBeTruthy()
  const instances = json<{DBInstanceIdentifier: string}[]>(await run(['cluster', 'list', '--json'])).length
  expect(instances).toBeGreaterThanOrEqual(1)

  const scaled = json<{cluster: DBCluster; added: string[]}>(await run(['cluster', 'scale', id, '--readers', '3', '--json']))
  expect(scaled.added).toHaveLength(1)
  expect(scaled.cluster.DBClusterMembers).toHaveLength(4)

  const before = writerOf(scaled.cluster)
  const failover = json<{cluster: DBCluster; previousWriter: string; newWriter: string}>(await run(['cluster', 'failover', id, '--json']))
  expect(failover.previousWriter).toBe(before)
  expect(failover.newWriter).toBeTruthy()
  expect(failover.newWriter).not.toBe(before)
  expect(writerOf(failover.cluster)).toBe(failover.newWriter)

  const modified = json<DBCluster>(await run(['cluster', 'modify', id, '--backup-retention', '7', '--json']))
  expect(modified.BackupRetentionPeriod).toBe(7)

  const deleted = json<{deletedInstances: string[]}>(await run(['cluster', 'delete', id, '--yes', '--skip-final-snapshot', '--json']))
  expect(deleted.deletedInstances).toHaveLength(4)

  const gone = await run(['cluster', 'describe', id, '--json'])
  expect(gone.code).toBe(3)
  expect(gone.stderr).toContain('DBClusterNotFoundFault')
}
