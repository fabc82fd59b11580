import type {DBInstance} from '@aws-sdk/client-rds'
import {Args, Flags} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {confirmDestructive} from '../../lib/cli/prompts.js'
import {removeInstance} from '../../lib/rds/instances.js'

export default class InstanceRemove extends BaseCommand<typeof InstanceRemove> {
  static override summary = 'Delete an instance from its cluster (removing the writer fails over first).'
  static override examples = ['<%= config.bin %> <%= command.id %> demo-instance-3 --yes']
  static override args = {instance: Args.string({required: true, description: 'Instance identifier.'})}
  static override flags = {
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation.'}),
    ...waitFlags,
  }

  public async run(): Promise<DBInstance> {
    const {flags, args} = this
    await confirmDestructive(`delete instance ${args.instance}`, args.instance, flags.yes)
    const instance = await removeInstance(await this.rds(), args.instance, this.waitSettings(`Removing ${args.instance}`, `auroractl cluster describe ${args.instance}`))
    this.log(`${flags.wait ? 'Removed' : 'Removing'} ${args.instance}.`)
    return instance
  }
}
