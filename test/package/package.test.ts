// The package as a user gets it: `npm pack` holds exactly the intended files, and the
// packed tarball installs into a fresh project, runs, and type-checks under every
// TypeScript module resolution (node10, node16, nodenext, bundler), also without
// "node" in the project's `types` (TypeScript 7's default).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

/** Every entry point of package.json's `exports` (the root first), as a user imports it. */
function entryPoints(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  return Object.keys(pkg.exports)
    .filter((k) => k !== './package.json')
    .map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
}

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });

function packedFiles(): string[] {
  const out = npm(['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT);
  return (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path).sort();
}

describe('npm pack', () => {
  it('holds exactly the intended files', () => {
    const files = packedFiles();
    const allowed = [/^LICENSE$/, /^README\.md$/, /^package\.json$/, /^bin\/net-profiler\.js$/, /^binding\.gyp$/, /^dist\/.*\.(js|d\.ts)$/, /^docs\/[^/]+\.(md|png)$/, /^prebuilds\/linux-(x64|arm64)\/net-profiler\.node$/, /^native\/(core|dump|settings|zip|release|otlp)\/[^/]+\.(cc|h)$/, /^src\/[^/]+\.(cc|h)$/, /^assets\//, /^schema\/settings\.schema\.json$/, /^scripts\/(source-hash|native-sources|libdeflate-path)\.js$/];
    const stray = files.filter((f) => !allowed.some((re) => re.test(f)));
    expect(stray).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const declared = Object.values(pkg.exports as Record<string, string | { types: string; default: string }>).flatMap((v) => (typeof v === 'string' ? [v] : [v.types, v.default])).map((p) => p.replace(/^\.\//, ''));
    const typed = Object.values(pkg.typesVersions['*'] as Record<string, string[]>).flat();
    // node10 resolution reads typesVersions: every subpath of `exports` has its entry there.
    expect(Object.keys(pkg.typesVersions['*']).sort()).toEqual(Object.keys(pkg.exports).filter((k) => k !== '.' && k !== './package.json').map((k) => k.slice(2)).sort());
    for (const must of ['LICENSE', 'README.md', 'docs/architecture.md', 'docs/cli.md', 'prebuilds/linux-x64/net-profiler.node', 'prebuilds/linux-arm64/net-profiler.node', 'assets/profiler_wrapper', ...declared, ...typed]) {
      expect(files).toContain(must);
    }
    for (const f of files) {
      expect(f).not.toMatch(/^(lib|test|bench|native\/tests|native\/fuzz|examples)\//);
      expect(f).not.toMatch(/(?<!\.d)\.ts$/);
    }
  });

  it('package.json and package-lock.json agree (npm install does not rewrite the lock)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
    const root = lock.packages[''];
    expect(root.version).toBe(pkg.version);
    expect(root.dependencies ?? {}).toEqual(pkg.dependencies ?? {});
    expect(root.devDependencies ?? {}).toEqual(pkg.devDependencies ?? {});
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(lock.packages[`node_modules/${name}`], `${name} is in package-lock.json`).toBeDefined();
    }
  });
});

describe('the packed tarball in a fresh project', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-pack-'));
    const tgz = npm(['pack', '--ignore-scripts', '--pack-destination', dir], ROOT).trim().split('\n').pop()!;
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(dir, tgz), '@types/node@20'], dir);
  }, 600_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs: the bin and every entry point load', () => {
    const bin = spawnSync(path.join(dir, 'node_modules/.bin/net-profiler'), ['--version', '--json'], { cwd: dir, encoding: 'utf8' });
    expect(bin.status).toBe(0);
    expect(JSON.parse(bin.stdout)).toEqual({ version: JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version });
    const s = spawnSync(path.join(dir, 'node_modules/.bin/net-profiler'), ['dump', 'summary', path.join(ROOT, 'test/dump/fixtures/lambda.nptb'), '--json'], { cwd: dir, encoding: 'utf8' });
    expect(s.status).toBe(0);
    expect(JSON.parse(s.stdout).spans).toBeGreaterThan(0);
    const probe = `for (const p of ${JSON.stringify(entryPoints())}) { const m = require(p); if (!Object.keys(m).length) throw new Error(p) } console.log('ok')`;
    expect(execFileSync(process.execPath, ['-e', probe], { cwd: dir, encoding: 'utf8' }).trim()).toBe('ok');
  });

  const modes: Array<[string, Record<string, unknown>]> = [
    ['node10', { module: 'commonjs', moduleResolution: 'node10' }],
    ['node16', { module: 'node16', moduleResolution: 'node16' }],
    ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ];
  // Every mode without "node" in `types` (the declarations must reference Node's types
  // themselves), and the usual node10 project with it.
  const runs: Array<[string, Record<string, unknown>, string[]]> = [...modes.map(([m, o]) => [m, o, []] as [string, Record<string, unknown>, string[]]), ['node10', modes[0]![1], ['node']]];
  for (const [mode, options, types] of runs) {
    {
      it(`type-checks under moduleResolution ${mode}, types ${JSON.stringify(types)}`, () => {
        const sub = path.join(dir, `tc-${mode}-${types.length}`);
        fs.mkdirSync(sub, { recursive: true });
        fs.writeFileSync(
          path.join(sub, 'use.ts'),
          [
            ...entryPoints().map((p, i) => `import * as m${i} from '${p}';`),
            `export const all: object[] = [${entryPoints().map((_, i) => `m${i}`).join(', ')}];`,
            "export const code: string = new m0.NetProfilerError('x', 'y').code;",
          ].join('\n'),
        );
        fs.writeFileSync(
          path.join(sub, 'tsconfig.json'),
          JSON.stringify({ compilerOptions: { ...options, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types, typeRoots: [path.join(dir, 'node_modules/@types')] }, files: ['use.ts'] }),
        );
        const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', sub], { cwd: sub, encoding: 'utf8' });
        const ours = (r.stdout + r.stderr).split('\n').filter((l) => /net-profiler|use\.ts/.test(l));
        expect(ours).toEqual([]);
        expect(r.status, r.stdout).toBe(0);
      }, 120_000);
    }
  }
});
