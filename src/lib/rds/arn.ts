import {ClientSideFault} from '../fault.js'

export interface ClusterArn {
  region: string
  cluster: string
}

/**
 * The Region and cluster identifier in a DB cluster ARN (`arn:aws:rds:eu-west-1:123456789012:cluster:orders`),
 * the only way a global cluster names its members.
 */
export function parseClusterArn(arn: string): ClusterArn {
  const match = /^arn:[a-z0-9-]+:rds:([a-z0-9-]+):[^:]*:cluster:([^:]+)$/.exec(arn)
  if (!match) throw new ClientSideFault('InvalidParameterValue', `${arn} is not a DB cluster ARN.`)
  return {region: match[1], cluster: match[2]}
}
