import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderGlobal} from '../../lib/cli/views.js'
import {describeGlobal, type GlobalDescription} from '../../lib/rds/global.js'

export default class GlobalDescribe extends BaseCommand<typeof GlobalDescribe> {
  static override summary = 'Show a global database: its members by Region, their roles and replication, and any failover under way.'
  static override description =
    'Each member cluster is described in its own Region. On the local emulator, each secondary\'s replication lag and link state ' +
    'are shown too, and what the last unplanned failover lost.'

  static override examples = ['<%= config.bin %> <%= command.id %> orders-global', '<%= config.bin %> <%= command.id %> orders-global --json']
  static override args = {global: Args.string({required: true, description: 'Global cluster identifier.'})}

  public async run(): Promise<GlobalDescription> {
    const description = await describeGlobal(await this.rds(), this.args.global, this.onLocalEmulator ? {onDaemonStarted: this.daemonStarted} : undefined)
    this.log(renderGlobal(description.globalCluster, description.members, this.stdoutColour, description.replication))
    return description
  }
}
