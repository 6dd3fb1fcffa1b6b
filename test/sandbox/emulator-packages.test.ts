import { describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';
import {
  type EmulatorPackageLoaders,
  EmulatorsNotInstalled,
  loadEmulatorPackages,
  startEmulators,
} from '../../src/sandbox/emulators.js';

/**
 * Issue 14, point 7: dynalite and s3rver are optional dependencies. A package that is not installed
 * is a choice (a production install), said with its remedy; any other failure to load is an error.
 */

// A package no install has: importing it fails exactly as a missing emulator does.
const absent = () => import(/* @vite-ignore */ ['conductor', 'no-such-emulator'].join('-')) as never;

async function loaders(): Promise<EmulatorPackageLoaders> {
  const real = await loadEmulatorPackages();
  return { dynalite: async () => real.dynalite, s3rver: async () => real.s3rver };
}

describe("the emulators' packages", () => {
  it('load when installed (a development install has them)', async () => {
    const packages = await loadEmulatorPackages();
    expect(typeof packages.dynalite).toBe('function');
    expect(typeof packages.s3rver.S3rver).toBe('function');
    expect(typeof packages.s3rver.Account.DUMMY_ACCOUNT.createKeyPair).toBe('function');
  });

  it('not installed: EmulatorsNotInstalled naming the missing ones and how to add them', async () => {
    const error = await loadEmulatorPackages({ ...(await loaders()), s3rver: absent }).catch((e) => e);
    expect(error).toBeInstanceOf(EmulatorsNotInstalled);
    expect(error.missing).toEqual(['s3rver']);
    expect(error.message).toBe(
      'DynamoDB and S3 emulators not installed (`npm install --include=optional` adds them)',
    );
    const neither = await loadEmulatorPackages({ dynalite: absent, s3rver: absent }).catch((e) => e);
    expect(neither.missing).toEqual(['dynalite', 's3rver']);
  });

  it('any other failure to load is thrown as it is, not taken for a missing install', async () => {
    const broken = Object.assign(new Error('No native build was found for platform=aix arch=ppc64'), {
      code: undefined,
    });
    const failing = async () => {
      throw broken;
    };
    const error = await loadEmulatorPackages({ ...(await loaders()), dynalite: failing }).catch((e) => e);
    expect(error).toBe(broken);
    // A package that is there but misses a file of its own (CommonJS require) is broken, not absent.
    const incomplete = Object.assign(new Error("Cannot find module 'level'"), { code: 'MODULE_NOT_FOUND' });
    const half = await loadEmulatorPackages({
      ...(await loaders()),
      s3rver: async () => {
        throw incomplete;
      },
    }).catch((e) => e);
    expect(half).toBe(incomplete);
  });

  it('startEmulators without them throws EmulatorsNotInstalled, before it starts either server', async () => {
    const error = await startEmulators(SANDBOX_CREDENTIALS, {
      packages: { dynalite: absent, s3rver: absent },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(EmulatorsNotInstalled);
  });
});
