import type {DBCluster} from '@aws-sdk/client-rds'
import {Args} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {stopCluster} from '../../lib/rds/clusters.js'

export default class ClusterStop extends BaseCommand<typeof ClusterStop> {
  static override summary = 'Stop a cluster and its instances (AWS starts it again after seven days).'
  static override examples = ['<%= config.bin %> <%= command.id %> demo']
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}
  static override flags = {...waitFlags}

  public async run(): Promise<DBCluster> {
    const cluster = await stopCluster(await this.rds(), this.args.cluster, this.waitSettings(`Stopping ${this.args.cluster}`, `auroractl cluster wait ${this.args.cluster} --stopped`))
    this.log(`${cluster.DBClusterIdentifier} is ${cluster.Status}.`)
    return cluster
  }
}
