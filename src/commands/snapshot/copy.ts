import type {DBClusterSnapshot} from '@aws-sdk/client-rds'
import {Args} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {renderSnapshot} from '../../lib/cli/views.js'
import {copySnapshot} from '../../lib/rds/snapshots.js'

export default class SnapshotCopy extends BaseCommand<typeof SnapshotCopy> {
  static override summary = 'Copy a cluster snapshot (e.g. keep an automated one as a manual snapshot).'
  static override description = 'Waits until the copy is available unless --no-wait.'
  static override examples = ['<%= config.bin %> <%= command.id %> rds:demo-2026-11-25-07-00 demo-keep']
  static override args = {
    source: Args.string({required: true, description: 'Snapshot to copy.'}),
    target: Args.string({required: true, description: 'Identifier of the copy.'}),
  }

  static override flags = {...waitFlags}

  public async run(): Promise<DBClusterSnapshot> {
    const {args} = this
    const wait = this.waitSettings(`Copying ${args.source} to ${args.target}`, `auroractl snapshot describe ${args.target}`)
    const snapshot = await copySnapshot(await this.rds(), args.source, args.target, wait)
    this.log(renderSnapshot(snapshot, this.stdoutColour))
    return snapshot
  }
}
