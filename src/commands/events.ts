import type {Event} from '@aws-sdk/client-rds'
import {Flags} from '@oclif/core'

import {BaseCommand} from '../lib/cli/base-command.js'
import {CommandError} from '../lib/cli/errors.js'
import {ExitCode} from '../lib/cli/exit-codes.js'
import {parseSeconds} from '../lib/cli/values.js'
import {renderEvents} from '../lib/cli/views.js'
import {listEvents} from '../lib/rds/events.js'

export default class Events extends BaseCommand<typeof Events> {
  static override summary = 'Show recent events for clusters and instances.'
  static override examples = ['<%= config.bin %> <%= command.id %> --cluster demo', '<%= config.bin %> <%= command.id %> --instance demo-instance-1 --since 6h --json']
  static override flags = {
    cluster: Flags.string({summary: 'Only events of this cluster.', exclusive: ['instance']}),
    instance: Flags.string({summary: 'Only events of this instance.'}),
    since: Flags.string({default: '60m', summary: 'How far back to look (AWS keeps 14 days), e.g. 30m, 6h, 2d.'}),
  }

  public async run(): Promise<Event[]> {
    const {flags} = this
    const minutes = Math.ceil(parseSeconds('--since', flags.since) / 60)
    if (minutes < 1 || minutes > 14 * 24 * 60) throw new CommandError('--since must be between 1 minute and 14 days.', {exitCode: ExitCode.usage})
    const events = await listEvents(await this.rds(), {
      sourceType: flags.cluster ? 'db-cluster' : flags.instance ? 'db-instance' : undefined,
      sourceId: flags.cluster ?? flags.instance,
      durationMinutes: minutes,
    })
    if (!this.jsonEnabled()) this.log(renderEvents(events, this.stdoutColour))
    return events
  }
}
