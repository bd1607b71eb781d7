#!/usr/bin/env node
// The `modelgate` command in this repository: the CLI built into lib/ (npm run build; npm ci
// builds it). The published CLI package runs the same source, bundled (packages/cli).
import '../lib/cli/bin.js';
