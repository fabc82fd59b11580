import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {confirmDestructive} from '../../lib/cli/prompts.js'
import {resetState} from '../../lib/local/daemon-process.js'
import {stateHome} from '../../lib/local/home.js'

export default class LocalReset extends BaseCommand<typeof LocalReset> {
  static override summary = 'Delete every cluster, instance and event in the local emulator (all regions).'
  static override examples = ['<%= config.bin %> <%= command.id %> --yes']
  static override flags = {yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation.'})}

  public async run(): Promise<{reset: true; home: string}> {
    const home = stateHome()
    await confirmDestructive('delete all local emulator state', 'reset', this.flags.yes)
    await resetState(home)
    this.log(`Reset the local emulator state in ${home}.`)
    return {reset: true, home}
  }
}
