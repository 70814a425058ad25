// The command line loads only what the command it runs needs (docs/cli.md, "Start-up"):
// the AWS SDK only for `lambda`, the YAML editor only for the settings edits, the native
// addon only for commands that use it.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli';

function loaded(args: string[]): { code: number; modules: string[] } {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'np-load-')), 'loaded.txt');
  const r = spawnSync(process.execPath, ['-r', path.join(ROOT, 'test/helpers/loaded-modules.js'), BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NP_LOADED_OUT: out },
  });
  const modules = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return { code: r.status ?? -1, modules };
}

const aws = (m: string) => m.includes(`${path.sep}@aws-sdk${path.sep}`) || m.includes(`${path.sep}@smithy${path.sep}`);
const grpc = (m: string) => m.includes(`${path.sep}@grpc${path.sep}`);
const playwright = (m: string) => m.includes(`${path.sep}playwright`);
const yaml = (m: string) => m.includes(`${path.sep}node_modules${path.sep}yaml${path.sep}`);
const addon = (m: string) => m.endsWith('.node');
const group = (g: string) => (m: string) => m.endsWith(`${path.sep}dist${path.sep}cli${path.sep}${g}.js`);

describe('lazy loading', () => {
  it('--version loads no group, no addon, no dependency', () => {
    const r = loaded(['--version']);
    expect(r.code).toBe(0);
    expect(r.modules.filter((m) => m.includes('node_modules') || addon(m))).toEqual([]);
    expect(r.modules.filter((m) => /[\\/]dist[\\/](settings|layer|lambda|dump)[\\/]/.test(m))).toEqual([]);
  });

  it('dump summary loads neither the AWS SDK nor yaml nor another group', () => {
    const r = loaded(['dump', 'summary', 'test/dump/fixtures/lambda.nptb', '--json']);
    expect(r.code).toBe(0);
    expect(r.modules.filter(aws)).toEqual([]);
    expect(r.modules.filter(yaml)).toEqual([]);
    expect(r.modules.filter(grpc)).toEqual([]);
    expect(r.modules.filter(playwright)).toEqual([]);
    expect(r.modules.filter((m) => /[\\/]dist[\\/](report|receive|send|run)[\\/]/.test(m))).toEqual([]);
    expect(r.modules.filter((m) => ['settings', 'layer', 'lambda'].some((g) => group(g)(m)))).toEqual([]);
    expect(r.modules.some(group('dump'))).toBe(true);
  });

  it('settings check and layer inspect load no AWS SDK', () => {
    for (const args of [
      ['settings', 'check', 'test/settings/fixtures/seed.yaml'],
      ['layer', '--help'],
    ]) {
      const r = loaded(args);
      expect(r.modules.filter(aws), args.join(' ')).toEqual([]);
      expect(r.modules.filter(grpc), args.join(' ')).toEqual([]);
    }
  });

  it('the lambda group does load the AWS SDK (the probe sees it)', () => {
    const r = loaded(['lambda', 'status', 'fn', '--region', 'eu-central-1', '--endpoint-url', 'http://127.0.0.1:9']);
    expect(r.modules.filter(aws).length).toBeGreaterThan(0);
  });
});
