'use strict';
// matrix-bot-sdk imports the crypto binding at load time even when encryption is off.
// Every export here is a class that refuses to be used, with a message saying why.
const message =
  'end-to-end encryption is not supported by this bridge (the native crypto binding is not installed)';

function unsupported(name) {
  return class {
    constructor() {
      throw new Error(`${name}: ${message}`);
    }
    static [Symbol.for('nodejs.util.inspect.custom')]() {
      return `[unsupported ${name}]`;
    }
  };
}

module.exports = new Proxy(
  {},
  {
    get(target, name) {
      if (typeof name !== 'string' || name === '__esModule' || name === 'then') return undefined;
      if (!(name in target)) target[name] = unsupported(name);
      return target[name];
    },
  },
);
