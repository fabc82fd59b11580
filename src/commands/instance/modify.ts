import type {DBInstance} from '@aws-sdk/client-rds'
import {Args, Flags} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {CommandError} from '../../lib/cli/errors.js'
import {ExitCode} from '../../lib/cli/exit-codes.js'
import {renderInstance} from '../../lib/cli/views.js'
import {modifyInstance} from '../../lib/rds/instances.js'

export default class InstanceModify extends BaseCommand<typeof InstanceModify> {
  static override summary = 'Change an instance\'s class or promotion tier (applied immediately).'
  static override description = 'Changing the writer\'s class restarts it; `auroractl cluster scale --instance-class` avoids that with a failover.'
  static override examples = ['<%= config.bin %> <%= command.id %> demo-instance-2 --tier 0', '<%= config.bin %> <%= command.id %> demo-instance-3 --class db.r6g.xlarge']
  static override args = {instance: Args.string({required: true, description: 'Instance identifier.'})}
  static override flags = {
    class: Flags.string({summary: 'New instance class.'}),
    tier: Flags.integer({summary: 'New promotion tier (0–15).'}),
    ...waitFlags,
  }

  public async run(): Promise<DBInstance> {
    const {flags, args} = this
    if (flags.class === undefined && flags.tier === undefined) {
      throw new CommandError('Nothing to change.', {exitCode: ExitCode.usage, hint: 'Pass --class and/or --tier.'})
    }
    const instance = await modifyInstance(
      await this.rds(),
      args.instance,
      {instanceClass: flags.class, promotionTier: flags.tier},
      this.waitSettings(`Modifying ${args.instance}`, `auroractl instance modify ${args.instance}`),
    )
    this.log(renderInstance(instance, this.stdoutColour))
    return instance
  }
}
