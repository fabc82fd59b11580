import type {GlobalCluster} from '@aws-sdk/client-rds'
import {Args, Flags} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {confirmDestructive} from '../../lib/cli/prompts.js'
import {deleteGlobalCluster} from '../../lib/rds/global.js'

export default class GlobalDelete extends BaseCommand<typeof GlobalDelete> {
  static override summary = 'Delete a global database that has no members left.'
  static override description =
    'As on AWS, a global cluster is deleted only once every member has been detached (`global promote <global> --region <r> --mode detach`); ' +
    'its clusters are never deleted by this command. Asks you to type the id, or pass --yes.'

  static override examples = ['<%= config.bin %> <%= command.id %> orders-global', '<%= config.bin %> <%= command.id %> orders-global --yes --json']
  static override args = {global: Args.string({required: true, description: 'Global cluster identifier.'})}
  static override flags = {
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation.'}),
    ...waitFlags,
  }

  public async run(): Promise<GlobalCluster> {
    const {flags, args} = this
    await confirmDestructive(`delete global cluster ${args.global}`, args.global, flags.yes)
    const global = await deleteGlobalCluster(await this.rds(), args.global, this.waitSettings(`Deleting ${args.global}`, `auroractl global describe ${args.global}`))
    this.log(`${flags.wait ? 'Deleted' : 'Deleting'} global cluster ${args.global}.`)
    return global
  }
}
