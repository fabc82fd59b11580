import type {DBInstance} from '@aws-sdk/client-rds'
import {Args, Flags} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {renderInstance} from '../../lib/cli/views.js'
import {addInstance} from '../../lib/rds/instances.js'

export default class InstanceAdd extends BaseCommand<typeof InstanceAdd> {
  static override summary = 'Add a reader to a cluster (the writer if the cluster has none).'
  static override examples = ['<%= config.bin %> <%= command.id %> demo', '<%= config.bin %> <%= command.id %> demo --id demo-analytics --tier 15 --class db.r6g.2xlarge']
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}
  static override flags = {
    id: Flags.string({summary: 'Instance identifier (default <cluster>-instance-N).'}),
    class: Flags.string({summary: 'Instance class (default: the writer\'s).'}),
    tier: Flags.integer({summary: 'Promotion tier 0–15 (lower is promoted first; default 1).'}),
    az: Flags.string({summary: 'Availability zone (default: the least-populated one).'}),
    ...waitFlags,
  }

  public async run(): Promise<DBInstance> {
    const {flags, args} = this
    const instance = await addInstance(
      await this.rds(),
      args.cluster,
      {id: flags.id, instanceClass: flags.class, promotionTier: flags.tier, availabilityZone: flags.az},
      this.waitSettings(`Adding an instance to ${args.cluster}`, `auroractl cluster wait ${args.cluster}`),
    )
    this.log(renderInstance(instance, this.stdoutColour))
    return instance
  }
}
