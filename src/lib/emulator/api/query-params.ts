import {invalidParameterValue, RdsFault} from '../control/faults.js'

/**
 * The AWS Query protocol's parameter encoding: `Name=value`, structures as `Name.Field`, lists as
 * `Name.member.N` or `Name.<LocationName>.N` (N from 1). Values are coerced to the operation's declared types.
 */
export type ParamSpec =
  | 'string' | 'integer' | 'boolean' | 'double' | 'timestamp'
  | {list: ParamSpec; member: string}
  | {struct: Record<string, ParamSpec>}

/** A parsed parameter tree: leaves are strings, inner nodes map a key segment to its subtree. */
export type ParamNode = string | Map<string, ParamNode>

/** Decodes `a=b&c=d` strictly: malformed percent-encoding or invalid UTF-8 is an error, not a replacement character. */
export function parseFormEncoded(body: string): Map<string, string> {
  const params = new Map<string, string>()
  if (body === '') return params
  for (const pair of body.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const rawKey = eq < 0 ? pair : pair.slice(0, eq)
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1)
    let key: string
    let value: string
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '))
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '))
    } catch {
      throw new RdsFault('MalformedQueryString', 400, 'The query string contains malformed percent-encoding.')
    }
    if (params.has(key)) throw invalidParameterValue(`The parameter ${key} is given more than once.`)
    params.set(key, value)
  }
  return params
}

/** Builds the parameter tree from flat `A.B.C` keys. */
export function buildParamTree(flat: Map<string, string>): Map<string, ParamNode> {
  const root = new Map<string, ParamNode>()
  for (const [key, value] of flat) {
    const parts = key.split('.')
    let node = root
    for (let i = 0; i < parts.length - 1; i++) {
      const child = node.get(parts[i])
      if (child === undefined) {
        const created = new Map<string, ParamNode>()
        node.set(parts[i], created)
        node = created
      } else if (typeof child === 'string') {
        throw invalidParameterValue(`The parameter ${parts.slice(0, i + 1).join('.')} cannot be both a value and a structure.`)
      } else {
        node = child
      }
    }
    const last = parts[parts.length - 1]
    if (node.has(last)) throw invalidParameterValue(`The parameter ${key} cannot be both a value and a structure.`)
    node.set(last, value)
  }
  return root
}

/** Coerces the declared parameters of `root` (others are ignored, as AWS ignores unknown parameters). */
export function coerceParams(root: Map<string, ParamNode>, spec: Record<string, ParamSpec>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, fieldSpec] of Object.entries(spec)) {
    const node = root.get(name)
    if (node !== undefined) out[name] = coerce(node, fieldSpec, name)
  }
  return out
}

function coerce(node: ParamNode, spec: ParamSpec, path: string): unknown {
  if (typeof spec === 'string') {
    if (typeof node !== 'string') throw invalidParameterValue(`The parameter ${path} must be a single value.`)
    return coerceScalar(node, spec, path)
  }
  if (typeof node === 'string') {
    // An empty list is sent as `Name=` by AWS clients.
    if ('list' in spec && node === '') return []
    throw invalidParameterValue(`The parameter ${path} must be a ${'list' in spec ? 'list' : 'structure'}.`)
  }
  if ('struct' in spec) return coerceParams(node, spec.struct)
  const entries: [number, ParamNode][] = []
  for (const [wrapper, items] of node) {
    if (wrapper !== 'member' && wrapper !== spec.member) {
      throw invalidParameterValue(`The parameter ${path}.${wrapper} is not valid; list items are ${path}.${spec.member}.N.`)
    }
    if (typeof items === 'string') throw invalidParameterValue(`The parameter ${path}.${wrapper} must be followed by an index.`)
    for (const [index, item] of items) {
      if (!/^[1-9]\d{0,5}$/.test(index)) throw invalidParameterValue(`Invalid list index ${path}.${wrapper}.${index}.`)
      entries.push([Number(index), item])
    }
  }
  entries.sort((a, b) => a[0] - b[0])
  return entries.map(([index, item]) => coerce(item, spec.list, `${path}.${spec.member}.${index}`))
}

function coerceScalar(value: string, type: 'string' | 'integer' | 'boolean' | 'double' | 'timestamp', path: string): unknown {
  switch (type) {
    case 'string':
      return value
    case 'integer': {
      if (!/^-?\d{1,15}$/.test(value)) throw invalidParameterValue(`Invalid value ${value} for parameter ${path}: must be an integer.`)
      return Number(value)
    }
    case 'double': {
      const n = Number(value)
      if (value.trim() === '' || !Number.isFinite(n)) throw invalidParameterValue(`Invalid value ${value} for parameter ${path}: must be a number.`)
      return n
    }
    case 'boolean': {
      const lower = value.toLowerCase()
      if (lower !== 'true' && lower !== 'false') throw invalidParameterValue(`Invalid value ${value} for parameter ${path}: must be true or false.`)
      return lower === 'true'
    }
    case 'timestamp': {
      const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000
        : /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? Date.parse(value) : NaN
      if (!Number.isFinite(ms)) throw invalidParameterValue(`Invalid value ${value} for parameter ${path}: must be an ISO 8601 timestamp.`)
      return new Date(ms)
    }
  }
}
