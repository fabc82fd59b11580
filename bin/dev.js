#!/usr/bin/env -S node --import tsx --no-warnings
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports */
// CommonJS, as is all of bin/ (see run.js); the package root is given because bin/ has its own package.json.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

import('@oclif/core').then(({execute}) => execute({development: true, loadOptions: {root: require('node:path').join(__dirname, '..')}}))
