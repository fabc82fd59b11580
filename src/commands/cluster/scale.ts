import {Args, Flags} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {CommandError} from '../../lib/cli/errors.js'
import {ExitCode} from '../../lib/cli/exit-codes.js'
import {type ScaleResult, scaleCluster} from '../../lib/rds/clusters.js'

export default class ClusterScale extends BaseCommand<typeof ClusterScale> {
  static override summary = 'Add or remove readers, or change every instance\'s class with one short failover.'
  static override description =
    '--readers N adds readers (spread over the AZs) or removes the least preferred ones. ' +
    '--instance-class changes the readers first, then fails over to an upgraded reader, then changes the old writer.'

  static override examples = ['<%= config.bin %> <%= command.id %> demo --readers 3', '<%= config.bin %> <%= command.id %> demo --instance-class db.r6g.xlarge']
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}
  static override flags = {
    readers: Flags.integer({min: 0, max: 15, summary: 'Number of readers wanted (0–15).'}),
    'instance-class': Flags.string({summary: 'Instance class for every instance.'}),
    timeout: waitFlags.timeout,
  }

  public async run(): Promise<ScaleResult> {
    const {flags, args} = this
    if (flags.readers === undefined && flags['instance-class'] === undefined) {
      throw new CommandError('Nothing to scale.', {exitCode: ExitCode.usage, hint: 'Pass --readers N and/or --instance-class CLASS.'})
    }
    const wait = this.waitSettingsFor(`Scaling ${args.cluster}`, `auroractl cluster wait ${args.cluster}`, flags.timeout)
    const result = await scaleCluster(await this.rds(), args.cluster, {readers: flags.readers, instanceClass: flags['instance-class']}, wait)
    const parts = []
    if (result.added.length > 0) parts.push(`added ${result.added.join(', ')}`)
    if (result.removed.length > 0) parts.push(`removed ${result.removed.join(', ')}`)
    if (result.modified.length > 0) parts.push(`changed the class of ${result.modified.join(', ')}`)
    if (result.failedOverTo) parts.push(`failed over to ${result.failedOverTo}`)
    this.log(parts.length > 0 ? `Scaled ${args.cluster}: ${parts.join('; ')}.` : `${args.cluster} already has that shape.`)
    return result
  }
}
