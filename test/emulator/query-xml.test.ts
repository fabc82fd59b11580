import {describe, expect, it} from 'vitest'
import {RdsFault} from '../../src/lib/emulator/control/faults.js'
import {OPERATIONS} from '../../src/lib/emulator/api/operations.js'
import {buildParamTree, coerceParams, parseFormEncoded, type ParamSpec} from '../../src/lib/emulator/api/query-params.js'
import {regionOf} from '../../src/lib/emulator/api/server.js'
import {listMemberName} from '../../src/lib/emulator/api/shapes.js'
import {errorResponse, escapeXml, successResponse, toXml} from '../../src/lib/emulator/api/xml.js'

const parse = (body: string, spec: Record<string, ParamSpec>) => coerceParams(buildParamTree(parseFormEncoded(body)), spec)

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof RdsFault) return error.code
    throw error
  }
  throw new Error('expected a fault')
}

describe('query parameters', () => {
  it('parses lists with member or location names, nested structures and typed scalars', () => {
    const input = parse(
      'DBClusterIdentifier=a%20b&Port=5432&DeletionProtection=true' +
        '&AvailabilityZones.AvailabilityZone.2=us-east-1b&AvailabilityZones.AvailabilityZone.1=us-east-1a' +
        '&VpcSecurityGroupIds.member.1=sg-1' +
        '&ServerlessV2ScalingConfiguration.MinCapacity=0.5&ServerlessV2ScalingConfiguration.MaxCapacity=16' +
        '&Tags.Tag.1.Key=k&Tags.Tag.1.Value=%3C%26%3E%22%27',
      OPERATIONS.CreateDBCluster.params,
    )
    expect(input).toEqual({
      DBClusterIdentifier: 'a b', Port: 5432, DeletionProtection: true,
      AvailabilityZones: ['us-east-1a', 'us-east-1b'], VpcSecurityGroupIds: ['sg-1'],
      ServerlessV2ScalingConfiguration: {MinCapacity: 0.5, MaxCapacity: 16}, Tags: [{Key: 'k', Value: '<&>"\''}],
    })
  })

  it('parses filters with nested value lists and timestamps', () => {
    const filters = parse('Filters.Filter.1.Name=engine&Filters.Filter.1.Values.Value.1=aurora-mysql&Filters.Filter.1.Values.Value.2=aurora-postgresql',
      OPERATIONS.DescribeDBClusters.params)
    expect(filters).toEqual({Filters: [{Name: 'engine', Values: ['aurora-mysql', 'aurora-postgresql']}]})
    const events = parse('StartTime=2026-11-25T01%3A00%3A00Z&Duration=30', OPERATIONS.DescribeEvents.params)
    expect(events).toEqual({StartTime: new Date('2026-11-25T01:00:00Z'), Duration: 30})
  })

  it('rejects wrong types and malformed encodings with InvalidParameterValue or MalformedQueryString', () => {
    const spec = OPERATIONS.CreateDBCluster.params
    expect(codeOf(() => parse('Port=abc', spec))).toBe('InvalidParameterValue')
    expect(codeOf(() => parse('DeletionProtection=yes', spec))).toBe('InvalidParameterValue')
    expect(codeOf(() => parse('ServerlessV2ScalingConfiguration.MinCapacity=lots', spec))).toBe('InvalidParameterValue')
    expect(codeOf(() => parse('StartTime=yesterday', OPERATIONS.DescribeEvents.params))).toBe('InvalidParameterValue')
    expect(codeOf(() => parse('Port=1&Port.x=2', spec))).toBe('InvalidParameterValue')
    expect(codeOf(() => parse('AvailabilityZones.Bogus.1=x', spec))).toBe('InvalidParameterValue')
    expect(codeOf(() => parse('AvailabilityZones.member.0=x', spec))).toBe('InvalidParameterValue')
    expect(codeOf(() => parse('Port=1&Port=2', spec))).toBe('InvalidParameterValue')
    expect(codeOf(() => parse('DBClusterIdentifier=%E0%A4%A', spec))).toBe('MalformedQueryString')
    expect(codeOf(() => parse('DBClusterIdentifier=%FF', spec))).toBe('MalformedQueryString')
  })

  it('takes the Region from the SigV4 credential scope, defaulting to us-east-1', () => {
    const none = new URLSearchParams()
    expect(regionOf('AWS4-HMAC-SHA256 Credential=AKID/20261125/us-west-2/rds/aws4_request, SignedHeaders=host, Signature=x', none)).toBe('us-west-2')
    expect(regionOf(undefined, none)).toBe('us-east-1')
    expect(regionOf('AWS4-HMAC-SHA256 Credential=AKID/20261125/<bad>/rds/aws4_request', none)).toBe('us-east-1')
    expect(regionOf(undefined, new URLSearchParams('X-Amz-Credential=AKID%2F20261125%2Feu-west-1%2Frds%2Faws4_request'))).toBe('eu-west-1')
  })
})

describe('XML serialisation', () => {
  it('escapes the five XML special characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;')
    expect(escapeXml('bell\u0007')).toBe('bell')
  })

  it('wraps lists in their model member names and nests structures', () => {
    const xml = toXml('DBCluster', {
      AvailabilityZones: ['us-east-1a'],
      DBClusterMembers: [{DBInstanceIdentifier: 'i1', IsClusterWriter: true, PromotionTier: 1}],
      VpcSecurityGroups: [{VpcSecurityGroupId: 'sg', Status: 'active'}],
      ServerlessV2ScalingConfiguration: {MinCapacity: 0.5, MaxCapacity: 8},
      DatabaseName: undefined,
      ClusterCreateTime: new Date(Date.UTC(2026, 10, 25, 1, 2, 3, 4)),
    }, listMemberName)
    expect(xml).toBe('<DBCluster><AvailabilityZones><AvailabilityZone>us-east-1a</AvailabilityZone></AvailabilityZones>' +
      '<DBClusterMembers><DBClusterMember><DBInstanceIdentifier>i1</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter>' +
      '<PromotionTier>1</PromotionTier></DBClusterMember></DBClusterMembers>' +
      '<VpcSecurityGroups><VpcSecurityGroupMembership><VpcSecurityGroupId>sg</VpcSecurityGroupId><Status>active</Status>' +
      '</VpcSecurityGroupMembership></VpcSecurityGroups>' +
      '<ServerlessV2ScalingConfiguration><MinCapacity>0.5</MinCapacity><MaxCapacity>8</MaxCapacity></ServerlessV2ScalingConfiguration>' +
      '<ClusterCreateTime>2026-11-25T01:02:03.004Z</ClusterCreateTime></DBCluster>')
    expect(toXml('Events', [{EventCategories: ['failover']}], listMemberName))
      .toBe('<Events><Event><EventCategories><EventCategory>failover</EventCategory></EventCategories></Event></Events>')
  })

  it('frames success and error documents as the Query protocol does', () => {
    const ok = successResponse('DescribeDBClusters', {DBClusters: []}, 'req-1', listMemberName)
    expect(ok).toContain('<DescribeDBClustersResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">')
    expect(ok).toContain('<DescribeDBClustersResult><DBClusters></DBClusters></DescribeDBClustersResult>')
    expect(ok).toContain('<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DescribeDBClustersResponse>')
    expect(errorResponse('Sender', 'DBClusterNotFoundFault', 'DBCluster <x> not found.', 'req-2')).toContain(
      '<Error><Type>Sender</Type><Code>DBClusterNotFoundFault</Code><Message>DBCluster &lt;x&gt; not found.</Message></Error><RequestId>req-2</RequestId>',
    )
  })
})
