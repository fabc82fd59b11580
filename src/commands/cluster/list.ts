import type {DBCluster} from '@aws-sdk/client-rds'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderClusterList} from '../../lib/cli/views.js'
import {listClusters} from '../../lib/rds/read.js'

export default class ClusterList extends BaseCommand<typeof ClusterList> {
  static override summary = 'List the clusters in the region.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json | jq -r ".[].DBClusterIdentifier"']

  public async run(): Promise<DBCluster[]> {
    const clusters = await listClusters(await this.rds())
    if (!this.jsonEnabled()) this.log(renderClusterList(clusters, this.stdoutColour))
    return clusters
  }
}
