import type {GlobalCluster} from '@aws-sdk/client-rds'
import {Args, Flags} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {createGlobalCluster} from '../../lib/rds/global.js'

export default class GlobalCreate extends BaseCommand<typeof GlobalCreate> {
  static override summary = 'Create an Aurora global database, from an existing cluster or empty.'
  static override description =
    'With --from, the cluster (in --region) becomes the primary and the global cluster takes its engine and version. ' +
    'Without it, the global cluster is empty: give --engine (and --engine-version), then add Regions with `global add-region`.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> orders-global --from orders --region us-east-1',
    '<%= config.bin %> <%= command.id %> empty-global --engine aurora-postgresql --engine-version 15.4 --json',
  ]

  static override args = {global: Args.string({required: true, description: 'Global cluster identifier.'})}
  static override flags = {
    from: Flags.string({summary: 'Existing cluster (in --region) to become the primary.', exclusive: ['engine', 'engine-version']}),
    engine: Flags.option({options: ['aurora-postgresql', 'aurora-mysql'] as const, summary: 'Engine of an empty global cluster.'})(),
    'engine-version': Flags.string({summary: 'Engine version of an empty global cluster.', dependsOn: ['engine']}),
    ...waitFlags,
  }

  public async run(): Promise<GlobalCluster> {
    const {flags, args} = this
    const global = await createGlobalCluster(
      await this.rds(),
      {id: args.global, sourceCluster: flags.from, engine: flags.engine ?? (flags.from ? undefined : 'aurora-postgresql'), engineVersion: flags['engine-version']},
      this.waitSettings(`Creating global cluster ${args.global}`, `auroractl global describe ${args.global}`),
    )
    const primary = flags.from ? ` with ${flags.from} as its primary` : ''
    this.log(`Created global cluster ${global.GlobalClusterIdentifier}${primary}; add a secondary with \`auroractl global add-region ${args.global} <region>\`.`)
    return global
  }
}
