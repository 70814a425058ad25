/**
 * instrument, uninstrument, status and upgrade over a selection of functions
 * (docs/lambda.md, "Many functions"): each function done exactly as the one-function
 * operation does it, through {@link runFleet}.
 * @packageDocumentation
 */
import type { GetLayerVersionCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { FleetOptions, FleetOutcome, FleetReport, runFleet, wouldChange } from './fleet';
import { instrumentFunction, pickLayerVersion, resultOf } from './instrument';
import { checkUpload, publishLayer } from './publish';
import { planUninstrument, unversionedLayerArn } from './plan';
import { facts, getFunction, type ListedVersion } from './read';
import { decodeRecord } from './record';
import { selectFunctions, type Selection, type SelectedFunction } from './select';
import { functionStatus } from './status';
import type { InstrumentOptions, LambdaChangeResult, PublishOptions, PublishResult } from './types';
import { uninstrumentFunction } from './uninstrument';
import { checkBucket, checkLayerName, checkRegion } from './validate';
import { readLayerInfo } from './layer-info';

/** Options of the operations over many functions: the selection, the run, and the one-function options. */
export type ManyOptions<O> = Omit<O, 'functionName' | 'region'> & FleetOptions & { selection: Selection };

function changeOutcome(doc: LambdaChangeResult, dryRun: boolean): FleetOutcome {
  const { published: _p, ...rest } = doc;
  void _p;
  return { doc: rest as unknown as Record<string, unknown>, changed: dryRun ? wouldChange(doc) : doc.applied, applied: doc.applied };
}

/** Selects, then runs; names given but found in no region are failed results (`function-not-found`). */
async function over(options: ManyOptions<object>, work: (t: SelectedFunction, client: LambdaClient, regionOptions: FleetOptions) => Promise<FleetOutcome>): Promise<FleetReport> {
  const { selection, ...rest } = options;
  const { functions, missing } = await selectFunctions(selection, rest);
  const report = await runFleet(functions, work, rest);
  for (const m of missing) {
    report.results.push({
      function: m.name,
      region: m.regions.join(','),
      ok: false,
      applied: false,
      error: { code: 'function-not-found', message: `no function ${m.name} in ${m.regions.join(', ')}` },
    });
    report.summary.failed++;
    report.ok = false;
  }
  return report;
}

/**
 * `instrument` over a selection. With `zip`, the layer is published once per region (at
 * the first function of the region that is not refused; never in a dry run); with
 * `layerName` alone, each function gets the newest version of it built for its own
 * architecture in its region (or `layerVersion`).
 */
export async function instrumentFunctions(options: ManyOptions<InstrumentOptions>): Promise<FleetReport> {
  const { selection: _s, concurrency: _c, signal: _g, onResult: _o, ...one } = options;
  void _s;
  void _c;
  void _g;
  void _o;
  if (one.zip === undefined && one.layerArn === undefined && one.layerName !== undefined) checkLayerName(one.layerName);
  const published = new Map<string, Promise<PublishResult>>();
  const caches = new Map<string, Map<string, Promise<ListedVersion[]>>>();
  return over(options, async (t, client, regionOptions) => {
    const base = { ...one, ...regionOptions, functionName: t.functionName, lambdaClient: client };
    if (one.zip !== undefined && !one.dryRun) {
      // Refusals first (a plan), so a region whose functions are all refused gets no layer.
      await instrumentFunction({ ...base, dryRun: true });
      let p = published.get(t.region);
      if (!p) {
        p = publishLayer({ ...regionOptions, lambdaClient: client, zip: one.zip, layerName: one.layerName!, ...(one.s3Bucket ? { s3Bucket: one.s3Bucket.replace(/\{region\}/g, t.region) } : {}) });
        published.set(t.region, p);
      }
      const layer = await p;
      const { zip: _z, layerName: _n, s3Bucket: _b, ...withArn } = base;
      void _z;
      void _n;
      void _b;
      return changeOutcome(await instrumentFunction({ ...withArn, layerArn: layer.layerVersionArn }), false);
    }
    if (!caches.has(t.region)) caches.set(t.region, new Map());
    return changeOutcome(await instrumentFunction({ ...base, versionCache: caches.get(t.region)! }), one.dryRun === true);
  });
}

/** `uninstrument` over a selection. */
export async function uninstrumentFunctions(options: ManyOptions<{ dryRun?: boolean; showSecrets?: boolean }>): Promise<FleetReport> {
  return over(options, async (t, client, regionOptions) =>
    changeOutcome(
      await uninstrumentFunction({ ...regionOptions, functionName: t.functionName, lambdaClient: client, ...(options.dryRun ? { dryRun: true } : {}), ...(options.showSecrets ? { showSecrets: true } : {}) }),
      options.dryRun === true,
    ),
  );
}

/** `status` over a selection: a function with a problem counts as `refused`. */
export async function functionStatuses(options: ManyOptions<{ showSecrets?: boolean }>): Promise<FleetReport> {
  const caches = new Map<string, Map<string, Promise<GetLayerVersionCommandOutput>>>();
  return over(options, async (t, client, regionOptions) => {
    if (!caches.has(t.region)) caches.set(t.region, new Map());
    const s = await functionStatus({ ...regionOptions, functionName: t.functionName, lambdaClient: client, ...(options.showSecrets ? { showSecrets: true } : {}) }, caches.get(t.region));
    return { doc: s as unknown as Record<string, unknown>, changed: false, applied: false, problem: s.problems.length > 0 };
  });
}

/** Options of {@link upgradeFunctions}. */
export interface UpgradeOptions {
  /** The layer whose newest version (for each function's architecture, in its region) the instrumented functions get. */
  layerName: string;
  /** Plan only. */
  dryRun?: boolean;
  /** Show secret-looking values; default masked. */
  showSecrets?: boolean;
}

/**
 * `upgrade` over a selection: every instrumented function of it (the record on it and its
 * profiler layer attached) moves to the newest version of `layerName` built for its
 * architecture in its region, the record kept exact. A function that is not instrumented,
 * or already has that version, is left alone (`unchanged`).
 */
export async function upgradeFunctions(options: ManyOptions<UpgradeOptions>): Promise<FleetReport> {
  checkLayerName(options.layerName);
  const caches = new Map<string, Map<string, Promise<ListedVersion[]>>>();
  return over(options, async (t, client, regionOptions) => {
    if (!caches.has(t.region)) caches.set(t.region, new Map());
    const cache = caches.get(t.region)!;
    const out = await getFunction(client, t.functionName);
    const fn = facts(out, t.functionName);
    const record = decodeRecord(out.Tags, fn.name);
    const attached = record ? fn.layers.find((a) => unversionedLayerArn(a) === record.layer) : undefined;
    if (!record || !attached) {
      const plan = planUninstrument(fn, undefined);
      const doc = resultOf({ ...plan, warnings: [{ code: 'not-instrumented', message: `${fn.name} is not instrumented (no net-profiler record${record ? ' with its layer attached' : ''}); left alone` }] }, fn.name, false);
      return { doc: doc as unknown as Record<string, unknown>, changed: false, applied: false };
    }
    const newest = await pickLayerVersion(client, options.layerName, fn.architecture, undefined, cache);
    if (newest === attached) {
      const plan = planUninstrument(fn, undefined);
      const doc = resultOf({ ...plan, warnings: [{ code: 'up-to-date', message: `${fn.name} already has ${newest}, the newest for ${fn.architecture}` }] }, fn.name, false);
      return { doc: doc as unknown as Record<string, unknown>, changed: false, applied: false };
    }
    const { layerName: _n, dryRun: _d, showSecrets: _s, ...aws } = regionOptions as FleetOptions & Partial<UpgradeOptions>;
    void _n;
    void _d;
    void _s;
    const r = await instrumentFunction({
      ...aws,
      functionName: out.Configuration?.FunctionArn ?? t.functionName,
      lambdaClient: client,
      layerArn: newest,
      variables: { ...record.set },
      ...(options.dryRun ? { dryRun: true } : {}),
      ...(options.showSecrets ? { showSecrets: true } : {}),
    });
    return changeOutcome(r, options.dryRun === true);
  });
}

/** One region's result of {@link publishToRegions}. */
export interface RegionPublishResult {
  /** The region. */
  region: string;
  /** Published. */
  ok: boolean;
  /** The new version's ARN. */
  layerVersionArn?: string;
  /** The new version number. */
  version?: number;
  /** Why it failed. */
  error?: { code: string; message: string };
}

/**
 * Publishes the layer ZIP once in each of `regions` (side by side); `s3Bucket` may hold
 * `{region}`. A region that fails does not stop the others.
 */
export async function publishToRegions(options: Omit<PublishOptions, 'region'> & { regions: string[] }): Promise<{ ok: boolean; results: RegionPublishResult[] }> {
  const { regions, ...rest } = options;
  for (const r of regions) checkRegion(r);
  checkLayerName(rest.layerName);
  if (rest.s3Bucket !== undefined) checkBucket(rest.s3Bucket);
  // The ZIP is checked once, before any region: a refusal refuses them all.
  const info = await readLayerInfo(rest.zip);
  checkUpload(rest, info);
  const results = await Promise.all(
    [...new Set(regions)].map(async (region): Promise<RegionPublishResult> => {
      try {
        const r = await publishLayer({ ...rest, region, ...(rest.s3Bucket ? { s3Bucket: rest.s3Bucket.replace(/\{region\}/g, region) } : {}) });
        return { region, ok: true, layerVersionArn: r.layerVersionArn, version: r.version };
      } catch (err) {
        const e = err as { code?: string; message?: string; kind?: string };
        if (e.kind === 'usage') throw err;
        return { region, ok: false, error: { code: e.code ?? 'aws-error', message: e.message ?? String(err) } };
      }
    }),
  );
  return { ok: results.every((r) => r.ok), results };
}
