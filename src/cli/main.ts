#!/usr/bin/env node
/** The `matrix-platform-bridge` command: runs the command line, prints a failure as one line. */
import { BridgeError, errorMessage } from '../util/errors.js';
import { runCli } from './run.js';

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    const code = err instanceof BridgeError ? ` [${err.code}]` : '';
    console.error(`error${code}: ${errorMessage(err)}`);
    process.exit(1);
  },
);
