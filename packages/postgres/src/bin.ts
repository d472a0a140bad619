#!/usr/bin/env node
import { runStdio } from '@org/mcp-core';
import { connector } from './server.js';

await runStdio(connector);
