#!/usr/bin/env node
// The SDK's multi-line notice about Node 20 would land on stderr of every command; the README states supported Node versions instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
