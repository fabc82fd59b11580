import type {DBCluster} from '@aws-sdk/client-rds'
import {Args} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {startCluster} from '../../lib/rds/clusters.js'

export default class ClusterStart extends BaseCommand<typeof ClusterStart> {
  static override summary = 'Start a stopped cluster and its instances.'
  static override examples = ['<%= config.bin %> <%= command.id %> demo']
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}
  static override flags = {...waitFlags}

  public async run(): Promise<DBCluster> {
    const cluster = await startCluster(await this.rds(), this.args.cluster, this.waitSettings(`Starting ${this.args.cluster}`, `auroractl cluster wait ${this.args.cluster}`))
    this.log(`${cluster.DBClusterIdentifier} is ${cluster.Status}.`)
    return cluster
  }
}
