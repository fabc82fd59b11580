import type {GlobalCluster} from '@aws-sdk/client-rds'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderGlobalList} from '../../lib/cli/views.js'
import {listGlobalClusters} from '../../lib/rds/read.js'

export default class GlobalList extends BaseCommand<typeof GlobalList> {
  static override summary = 'List the global databases.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<GlobalCluster[]> {
    const globals = await listGlobalClusters(await this.rds())
    this.log(renderGlobalList(globals, this.stdoutColour))
    return globals
  }
}
