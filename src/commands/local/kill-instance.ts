import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {killInstance, type KillResult} from '../../lib/local/compute.js'

export default class LocalKillInstance extends BaseCommand<typeof LocalKillInstance> {
  static override summary = 'Kill an instance\'s database engine at once, as a host failure would: a writer fails over to a replica.'
  static override description =
    'No clean shutdown: the engine is fenced off the volume and its sessions are dropped. A writer with an available replica ' +
    'fails over (tier, then size), as Aurora does when it loses the writer; otherwise the instance restarts and recovers the volume.'
  static override examples = ['<%= config.bin %> <%= command.id %> demo-instance-1', '<%= config.bin %> <%= command.id %> demo-instance-1 && <%= config.bin %> cluster wait demo']
  static override args = {instance: Args.string({required: true, description: 'Instance identifier.'})}

  public async run(): Promise<KillResult> {
    const result = await killInstance(this.localRegion(), this.args.instance, this.daemonStarted)
    this.log(
      result.recovery === 'failover'
        ? `Killed writer ${result.instance} of ${result.cluster}; failing over to a replica.`
        : `Killed ${result.role} ${result.instance} of ${result.cluster}; it is restarting.`,
    )
    return result
  }
}
