#!/usr/bin/env node
'use strict';
// V8's compile cache where Node has it (22.1 and newer): the lambda group's AWS SDK
// starts about 1.7x faster from the second run on (docs/cli.md, "Start-up").
const m = require('module');
if (typeof m.enableCompileCache === 'function') m.enableCompileCache();
require('../dist/cli/main.js').main();
