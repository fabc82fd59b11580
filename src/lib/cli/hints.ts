import type {Target} from '../rds/client.js'

/** What to do next after an AWS fault, in one line. */
export function hintForCode(code: string, target: Target): string | undefined {
  const where = target.backend === 'aws' ? ` (backend aws${target.region ? `, region ${target.region}` : ''})` : ''
  if (code === 'DBClusterNotFoundFault') return `Run \`auroractl cluster list\` to see the clusters${where}.`
  if (code === 'DBInstanceNotFound' || code === 'DBInstanceNotFoundFault') return `Run \`auroractl cluster describe <cluster>\` to see its instances${where}.`
  if (code === 'DBClusterSnapshotNotFoundFault') return `Run \`auroractl snapshot list\` to see the snapshots${where}.`
  if (code === 'DBClusterBacktrackNotFoundFault') return `Run \`auroractl cluster backtracks <cluster>\` to see its backtracks${where}.`
  if (code === 'DBClusterSnapshotAlreadyExistsFault') return 'Choose another snapshot identifier, or inspect the existing one with `auroractl snapshot describe`.'
  if (code === 'InvalidDBClusterSnapshotStateFault') return 'Wait until the snapshot is available (`auroractl snapshot describe <snapshot>`), then try again.'
  if (code === 'GlobalClusterNotFoundFault') return `Run \`auroractl global list\` to see the global clusters${where}.`
  if (code === 'InvalidGlobalClusterStateFault') return 'Run `auroractl global describe <global>` to see its members and any failover under way.'
  if (code === 'GlobalClusterAlreadyExistsFault') return 'Choose another identifier, or inspect the existing one with `auroractl global describe`.'
  if (/^Invalid.*State/.test(code)) return 'Wait until it is available (`auroractl cluster wait <cluster>`), then try again.'
  if (/AlreadyExists/.test(code)) return 'Choose another identifier, or inspect the existing one with `auroractl cluster describe`.'
  if (/Quota/.test(code)) return 'Remove resources you no longer need, or ask AWS for a higher quota.'
  if (/^(InvalidParameter|MissingParameter)/.test(code)) return 'Check the values against `--help`.'
  if (code === 'UnsupportedOperation') return 'Use an endpoint that implements this operation (the local emulator does: --backend local).'
  return undefined
}
