import {Args, Flags} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {type AddRegionResult, addRegion} from '../../lib/rds/global.js'

export default class GlobalAddRegion extends BaseCommand<typeof GlobalAddRegion> {
  static override summary = 'Add a secondary Region to a global database: a read-only cluster there that replicates the primary.'
  static override description =
    'The Region to add is the second argument; the global --region only says where the global cluster is looked up. ' +
    'The new cluster (default id <global>-<region>) takes the global cluster\'s engine and version and the primary\'s ' +
    'credentials; its instances take the primary writer\'s class unless --instance-class. Waits until it is usable and a member.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> orders-global eu-west-1',
    '<%= config.bin %> <%= command.id %> orders-global ap-southeast-2 --cluster orders-sydney --instances 2 --json',
  ]

  static override args = {
    global: Args.string({required: true, description: 'Global cluster identifier.'}),
    region: Args.string({required: true, description: 'The Region to add, e.g. eu-west-1.'}),
  }

  static override flags = {
    cluster: Flags.string({summary: 'Identifier of the new secondary cluster (default <global>-<region>).'}),
    instances: Flags.integer({default: 1, min: 0, max: 16, summary: 'Instances (readers) in the new Region.'}),
    'instance-class': Flags.string({summary: 'Instance class (default: the primary writer\'s).'}),
    ...waitFlags,
  }

  public async run(): Promise<AddRegionResult> {
    const {flags, args} = this
    const clusterId = flags.cluster ?? `${args.global}-${args.region}`
    const result = await addRegion(
      await this.rds(),
      {global: args.global, region: args.region, clusterId, instances: flags.instances, instanceClass: flags['instance-class']},
      this.waitSettings(`Adding ${args.region} to ${args.global}`, `auroractl cluster wait ${clusterId} --region ${args.region}`),
    )
    this.log(`${flags.wait ? 'Added' : 'Adding'} ${args.region} to global cluster ${args.global}: secondary cluster ${clusterId} (${flags.instances} instance${flags.instances === 1 ? '' : 's'}).`)
    return result
  }
}
