import {invalidParameterCombination, invalidParameterValue} from './faults.js'
import {paginate, validateMaxRecords, type Page, type PageOf} from './paging.js'

export type AuroraEngine = 'aurora-postgresql' | 'aurora-mysql'

export interface EngineVersionInfo {
  engine: AuroraEngine
  version: string
  major: string
  parameterGroupFamily: string
  /** The community engine version it is compatible with, as AWS's version description states it. */
  compatibleWith: string
}

/** Versions offered, newest first within each engine (the first is the default). */
const VERSIONS: readonly EngineVersionInfo[] = [
  {engine: 'aurora-postgresql', version: '16.4', major: '16', parameterGroupFamily: 'aurora-postgresql16', compatibleWith: '16.4'},
  {engine: 'aurora-postgresql', version: '15.8', major: '15', parameterGroupFamily: 'aurora-postgresql15', compatibleWith: '15.8'},
  {engine: 'aurora-postgresql', version: '14.13', major: '14', parameterGroupFamily: 'aurora-postgresql14', compatibleWith: '14.13'},
  {engine: 'aurora-postgresql', version: '13.16', major: '13', parameterGroupFamily: 'aurora-postgresql13', compatibleWith: '13.16'},
  {engine: 'aurora-mysql', version: '8.0.mysql_aurora.3.08.0', major: '8.0', parameterGroupFamily: 'aurora-mysql8.0', compatibleWith: '8.0.39'},
  {engine: 'aurora-mysql', version: '8.0.mysql_aurora.3.07.1', major: '8.0', parameterGroupFamily: 'aurora-mysql8.0', compatibleWith: '8.0.36'},
  {engine: 'aurora-mysql', version: '5.7.mysql_aurora.2.12.3', major: '5.7', parameterGroupFamily: 'aurora-mysql5.7', compatibleWith: '5.7.44'},
]

export const ENGINES: readonly AuroraEngine[] = ['aurora-postgresql', 'aurora-mysql']

export function isAuroraEngine(engine: string): engine is AuroraEngine {
  return (ENGINES as readonly string[]).includes(engine)
}

export function engineVersions(engine?: string): EngineVersionInfo[] {
  return VERSIONS.filter((v) => engine === undefined || v.engine === engine)
}

export function defaultPort(engine: AuroraEngine): number {
  return engine === 'aurora-postgresql' ? 5432 : 3306
}

export function licenseModel(engine: AuroraEngine): string {
  return engine === 'aurora-postgresql' ? 'postgresql-license' : 'general-public-license'
}

export function engineDescription(engine: AuroraEngine): string {
  return engine === 'aurora-postgresql' ? 'Aurora (PostgreSQL)' : 'Aurora MySQL'
}

export function versionDescription(info: EngineVersionInfo): string {
  if (info.engine === 'aurora-postgresql') return `Aurora PostgreSQL (Compatible with PostgreSQL ${info.compatibleWith})`
  const auroraVersion = info.version.split('mysql_aurora.')[1]
  return `Aurora MySQL ${auroraVersion} (compatible with MySQL ${info.compatibleWith})`
}

/** Resolves Engine/EngineVersion as CreateDBCluster does: unknown engine or version → the AWS fault. */
export function resolveEngineVersion(engine: string, version: string | undefined): EngineVersionInfo {
  if (!isAuroraEngine(engine)) throw invalidParameterValue(`Invalid DB engine: ${engine}`)
  const candidates = engineVersions(engine)
  if (version === undefined) return candidates[0]
  const found = candidates.find((v) => v.version === version)
  if (!found) throw invalidParameterCombination(`Cannot find version ${version} for ${engine}`)
  return found
}

/** Orders versions of one engine by numeric components ("14.13" > "14.9"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.match(/\d+/g)?.map(Number) ?? []
  const pb = b.match(/\d+/g)?.map(Number) ?? []
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/** Aurora instance classes (memory-optimised, burstable and Graviton families); `db.serverless` is Serverless v2. */
const CLASS_SIZES_GIB: Record<string, number> = {
  large: 16, xlarge: 32, '2xlarge': 64, '4xlarge': 128, '8xlarge': 256, '12xlarge': 384, '16xlarge': 512, '24xlarge': 768,
}
const MEMORY_FAMILIES = ['r5', 'r6g', 'r6i', 'r7g', 'r7i', 'r8g']
const BURSTABLE: Record<string, number> = {
  'db.t3.medium': 4, 'db.t3.large': 8, 'db.t4g.medium': 4, 'db.t4g.large': 8,
}

/** Memory in GiB of a provisioned class (x2g has twice the r-family memory); undefined when the class is unknown. */
export function instanceClassMemoryGiB(instanceClass: string): number | undefined {
  if (instanceClass in BURSTABLE) return BURSTABLE[instanceClass]
  const m = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(instanceClass)
  if (!m) return undefined
  const [, family, size] = m
  const base = CLASS_SIZES_GIB[size]
  if (base === undefined) return undefined
  if (MEMORY_FAMILIES.includes(family)) return base
  if (family === 'x2g' && base <= 512) return base * 2
  return undefined
}

export const SERVERLESS_CLASS = 'db.serverless'

export function isKnownInstanceClass(instanceClass: string): boolean {
  return instanceClass === SERVERLESS_CLASS || instanceClassMemoryGiB(instanceClass) !== undefined
}

/** DescribeDBEngineVersions over the versions offered; each lists the newer versions of its engine as upgrade targets. */
export function describeDBEngineVersions(
  input: {Engine?: string; EngineVersion?: string; DBParameterGroupFamily?: string; DefaultOnly?: boolean} & Page,
): PageOf<EngineVersionInfo & {validUpgradeTargets: EngineVersionInfo[]}> {
  const maxRecords = validateMaxRecords(input.MaxRecords)
  let versions = engineVersions(input.Engine)
  if (input.EngineVersion !== undefined) versions = versions.filter((v) => v.version === input.EngineVersion)
  if (input.DBParameterGroupFamily !== undefined) {
    versions = versions.filter((v) => v.parameterGroupFamily === input.DBParameterGroupFamily)
  }
  if (input.DefaultOnly) versions = versions.filter((v) => v === engineVersions(v.engine)[0])
  const page = paginate(versions, (v) => `${v.engine}/${v.version}`, maxRecords, input.Marker)
  return {
    items: page.items.map((v) => ({
      ...v,
      validUpgradeTargets: engineVersions(v.engine).filter((t) => compareVersions(t.version, v.version) > 0).reverse(),
    })),
    marker: page.marker,
  }
}
