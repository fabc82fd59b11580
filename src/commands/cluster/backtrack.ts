import type {DBClusterBacktrack} from '@aws-sdk/client-rds'
import {Args, Flags} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {confirmDestructive} from '../../lib/cli/prompts.js'
import {TIME_FORMS} from '../../lib/cli/time.js'
import {isoTime} from '../../lib/iso-time.js'
import {backtrackCluster} from '../../lib/rds/backtrack.js'

export default class ClusterBacktrack extends BaseCommand<typeof ClusterBacktrack> {
  static override summary = 'Rewind an Aurora MySQL cluster in place to an earlier time.'
  static override description =
    'Pauses the database, closes its connections and drops uncommitted work, so it asks you to type the cluster id, or pass --yes. ' +
    'Needs a backtrack window set at create or restore time. Waits until the backtrack has completed and the cluster is available. ' +
    `Times: ${TIME_FORMS}; relative times count back from the backend's clock (the emulator's on the local backend).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> orders --by 15m',
    '<%= config.bin %> <%= command.id %> orders --to 2026-11-25T07:00:00Z --yes --json',
  ]

  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}
  static override flags = {
    to: Flags.string({summary: 'Time to rewind to, e.g. 2026-11-25T07:00:00Z (UTC if no zone), "15m ago".', exactlyOne: ['to', 'by']}),
    by: Flags.string({summary: 'How far to rewind from now, e.g. 15m, 1h30m.', exactlyOne: ['to', 'by']}),
    force: Flags.boolean({summary: 'Backtrack even though binary logging is on.'}),
    'earliest-if-unavailable': Flags.boolean({summary: 'If the time is before the earliest backtrack time, go to that instead of failing.'}),
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation.'}),
    ...waitFlags,
  }

  public async run(): Promise<DBClusterBacktrack> {
    const {args, flags} = this
    const to = flags.to === undefined ? await this.timeAgo('--by', flags.by!) : await this.timeFlag('--to', flags.to)
    await confirmDestructive(`rewind cluster ${args.cluster} in place to ${isoTime(to)}`, args.cluster, flags.yes)
    const backtrack = await backtrackCluster(
      await this.rds(),
      args.cluster,
      {to, force: flags.force, earliestIfUnavailable: flags['earliest-if-unavailable']},
      this.waitSettings(`Backtracking ${args.cluster}`, `auroractl cluster backtracks ${args.cluster}`),
    )
    const where = isoTime(backtrack.BacktrackTo ?? to)
    this.log(flags.wait ? `Backtracked ${args.cluster} to ${where} (backtrack ${backtrack.BacktrackIdentifier}).` : `Backtracking ${args.cluster} to ${where} (backtrack ${backtrack.BacktrackIdentifier}).`)
    return backtrack
  }
}
