import {Args, Flags} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {confirmDestructive} from '../../lib/cli/prompts.js'
import {type DeleteResult, deleteCluster} from '../../lib/rds/clusters.js'

export default class ClusterDelete extends BaseCommand<typeof ClusterDelete> {
  static override summary = 'Delete a cluster and all its instances.'
  static override description =
    'Takes a final snapshot (named <cluster>-final-<time> unless --final-snapshot names it) unless --skip-final-snapshot. ' +
    'Asks you to type the cluster id, or pass --yes.'

  static override examples = ['<%= config.bin %> <%= command.id %> demo', '<%= config.bin %> <%= command.id %> demo --yes --skip-final-snapshot --json']
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}
  static override flags = {
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation.'}),
    'skip-final-snapshot': Flags.boolean({summary: 'Do not take a final snapshot.', exclusive: ['final-snapshot']}),
    'final-snapshot': Flags.string({summary: 'Identifier of the final snapshot.'}),
    ...waitFlags,
  }

  public async run(): Promise<DeleteResult> {
    const {flags, args} = this
    await confirmDestructive(`delete cluster ${args.cluster} and all its instances`, args.cluster, flags.yes)
    const finalSnapshotId = flags['final-snapshot'] ?? `${args.cluster}-final-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`
    const result = await deleteCluster(
      await this.rds(),
      args.cluster,
      {skipFinalSnapshot: flags['skip-final-snapshot'], finalSnapshotId},
      this.waitSettings(`Deleting ${args.cluster}`, `auroractl cluster wait ${args.cluster} --deleted`),
    )
    const snapshot = result.finalSnapshotId ? `; final snapshot ${result.finalSnapshotId}` : ''
    this.log(`${flags.wait ? 'Deleted' : 'Deleting'} ${args.cluster} (${result.deletedInstances.length} instance${result.deletedInstances.length === 1 ? '' : 's'}${snapshot}).`)
    return result
  }
}
