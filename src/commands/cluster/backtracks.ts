import type {DBClusterBacktrack} from '@aws-sdk/client-rds'
import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderBacktracks} from '../../lib/cli/views.js'
import {listBacktracks} from '../../lib/rds/backtrack.js'

export default class ClusterBacktracks extends BaseCommand<typeof ClusterBacktracks> {
  static override summary = 'List a cluster\'s backtracks: status, the time each went back to, and when.'
  static override examples = ['<%= config.bin %> <%= command.id %> orders', '<%= config.bin %> <%= command.id %> orders --json | jq -r ".[0].Status"']
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}

  public async run(): Promise<DBClusterBacktrack[]> {
    const backtracks = await listBacktracks(await this.rds(), this.args.cluster)
    this.log(renderBacktracks(backtracks, this.stdoutColour))
    return backtracks
  }
}
