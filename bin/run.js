#!/usr/bin/env node
// The SDK's multi-line notice about Node 20 would land on stderr of every command; the README states supported Node versions instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

import fs from 'node:fs'
import Module from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import vm from 'node:vm'

// dist/cli.cjs is the whole CLI, @oclif/core included, in one file (scripts/build.mjs); the
// command files oclif loads through the manifest take their command from it.
const bundle = fs.realpathSync(fileURLToPath(new URL('../dist/cli.cjs', import.meta.url)))

/**
 * Loads the bundle as Node's require() would, but compiled from the V8 code cache that the build
 * stored beside it (scripts/code-cache.mjs), which saves most of the time V8 spends compiling it.
 * On Node >= 22.1, Node's own compile cache does this instead. AURORACTL_CODE_CACHE=off skips it;
 * =write (used by the build) stores the code compiled by this run when the process exits.
 */
function loadBundle() {
  const mode = process.env.AURORACTL_CODE_CACHE
  if (typeof Module.enableCompileCache === 'function' || mode === 'off') {
    if (mode !== 'off') Module.enableCompileCache()
    return Module.createRequire(import.meta.url)(bundle)
  }
  const source = fs.readFileSync(bundle, 'utf8')
  const buildId = /\/\/# auroractl-build=(\w+)\n$/.exec(source.slice(-64))?.[1]
  let cachedData
  try {
    const cache = fs.readFileSync(`${bundle}.cache`)
    const header = `${buildId}\n`
    if (buildId && cache.subarray(0, header.length).toString('latin1') === header) cachedData = cache.subarray(header.length)
  } catch {
    // no cache: compile as usual
  }
  const module = new Module(bundle, undefined)
  module.filename = bundle
  module.paths = Module._nodeModulePaths(path.dirname(bundle))
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __auroractlHostImport) {${source}\n})`,
    {filename: bundle, cachedData},
  )
  // In the require cache before it runs, so the command files' require() of it finds this instance.
  Module._cache[bundle] = module
  script.runInThisContext().call(
    module.exports,
    module.exports,
    Module.createRequire(bundle),
    module,
    bundle,
    path.dirname(bundle),
    (specifier) => import(specifier),
  )
  module.loaded = true
  if (mode === 'write') {
    process.once('exit', () => fs.writeFileSync(`${bundle}.cache`, Buffer.concat([Buffer.from(`${buildId}\n`, 'latin1'), script.createCachedData()])))
  }
  return module.exports
}

const {execute} = loadBundle()
await execute({dir: import.meta.url})
