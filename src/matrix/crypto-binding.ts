import { createRequire } from 'node:module';

const BINDING = '@matrix-org/matrix-sdk-crypto-nodejs';
const MATRIX_SDK = '@vector-im/matrix-bot-sdk';

/**
 * Makes the Matrix SDK load the bridge's stand-in crypto binding (vendor/no-e2ee-crypto).
 *
 * The SDK loads its native crypto binding at start-up even though the bridge never encrypts.
 * In this repository `overrides` in package.json swap in the stand-in, but npm ignores the
 * overrides of an installed package: a bridge installed from its tarball gets the real binding
 * nested under the SDK, whose native library arrives only through an install script that npm
 * no longer runs by default, and the SDK's first `require` fails. Putting the stand-in into the
 * CommonJS module cache (documented as writable) under the path the SDK resolves to makes every
 * install behave as the repository does. Must run before the SDK is first imported.
 */
export function useStandInCryptoBinding(from: string | URL = import.meta.url): void {
  const own = createRequire(from);
  const standIn = own.resolve(BINDING);
  const sdkBinding = createRequire(own.resolve(MATRIX_SDK)).resolve(BINDING);
  if (sdkBinding === standIn || own.cache[sdkBinding]) return;
  own(standIn);
  const loaded = own.cache[standIn];
  if (loaded) own.cache[sdkBinding] = loaded;
}

useStandInCryptoBinding();
