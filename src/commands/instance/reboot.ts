import type {DBInstance} from '@aws-sdk/client-rds'
import {Args} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {rebootInstance} from '../../lib/rds/instances.js'

export default class InstanceReboot extends BaseCommand<typeof InstanceReboot> {
  static override summary = 'Reboot an instance; waits until it is available again.'
  static override examples = ['<%= config.bin %> <%= command.id %> demo-instance-2']
  static override args = {instance: Args.string({required: true, description: 'Instance identifier.'})}
  static override flags = {...waitFlags}

  public async run(): Promise<DBInstance> {
    const instance = await rebootInstance(await this.rds(), this.args.instance, this.waitSettings(`Rebooting ${this.args.instance}`, `auroractl instance reboot ${this.args.instance}`))
    this.log(`${this.args.instance} is ${instance.DBInstanceStatus}.`)
    return instance
  }
}
