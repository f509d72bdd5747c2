#!/usr/bin/env node
// The `fenliu` command: runs the TypeScript CLI through tsx, so `npx fenliu …` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
