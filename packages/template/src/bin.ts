#!/usr/bin/env node
import { run } from '@org/mcp-core';
import { connector } from './server.js';

await run(connector);
