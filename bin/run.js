#!/usr/bin/env node
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports */
// CommonJS (bin/package.json says so): an ES module entry would cost Node's ESM loader ~15 ms first.
'use strict'
// The SDK's multi-line notice about Node 20 would land on stderr of every command; the README states supported Node versions instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const fs = require('node:fs')
const Module = require('node:module')
const path = require('node:path')
const vm = require('node:vm')

const root = path.join(__dirname, '..')
// dist/cli.cjs is the whole CLI, @oclif/core included, in one file (scripts/build.mjs); the
// command files oclif loads through the manifest take their command from it.
const bundle = fs.realpathSync(path.join(root, 'dist', 'cli.cjs'))

/**
 * Loads the bundle as require() would, but compiled from the V8 code cache that the build stored
 * beside it (scripts/code-cache.mjs): V8 then skips most of the compiling, including of the
 * functions a command runs. The cache fits only the bundle's exact bytes and the V8 that wrote it
 * (its first line says which); otherwise Node >= 22.1 uses its own compile cache, which keeps less,
 * and older Nodes compile as usual. AURORACTL_CODE_CACHE=off skips both; =write (used by the
 * build) stores the code compiled by this run when the process exits.
 */
function loadBundle() {
  const mode = process.env.AURORACTL_CODE_CACHE
  // ASCII only (scripts/build.mjs sees to it): latin1 is the same text, read without decoding UTF-8.
  const source = fs.readFileSync(bundle, 'latin1')
  const header = `${/\/\/# auroractl-build=(\w+)\n$/.exec(source.slice(-64))?.[1]} ${process.versions.v8} ${process.arch}\n`
  let cachedData
  if (mode !== 'off') {
    try {
      const cache = fs.readFileSync(`${bundle}.cache`)
      if (cache.subarray(0, header.length).toString('latin1') === header) cachedData = cache.subarray(header.length)
    } catch {
      // no cache
    }
  }
  if (!cachedData && mode !== 'write') {
    if (mode !== 'off' && typeof Module.enableCompileCache === 'function') Module.enableCompileCache()
    return require(bundle)
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
    // import() is not available to a vm.Script on Node 20; the bundle's run-time imports come here.
    (specifier) => import(specifier),
  )
  module.loaded = true
  if (mode === 'write') {
    process.once('exit', () => fs.writeFileSync(`${bundle}.cache`, Buffer.concat([Buffer.from(header, 'latin1'), script.createCachedData()])))
  }
  return module.exports
}

// The root is given, not found: oclif would look upward from this file and stop at bin/package.json.
loadBundle().execute({loadOptions: {root}})
