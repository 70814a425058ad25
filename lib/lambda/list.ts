/**
 * `lambda list`: every function of the regions and where it stands (docs/lambda.md,
 * "Many functions"): runtime, architecture, instrumented or not, the profiler layer
 * version attached, the newest version of that layer for its architecture, and whether
 * the record is intact.
 * @packageDocumentation
 */
import type { GetLayerVersionCommandOutput } from '@aws-sdk/client-lambda';
import { FleetOptions, runFleet } from './fleet';
import { listLayerVersions, type ListedVersion } from './read';
import { defaultRegion, listRegionFunctions, type SelectedFunction } from './select';
import { functionStatus } from './status';
import { lambdaClient } from './aws';
import { checkRegion } from './validate';

/** One function as `lambda list` shows it. */
export interface ListedFunction {
  /** The function's ARN. */
  function: string;
  /** Its region. */
  region: string;
  /** Its runtime (null for a container image). */
  runtime: string | null;
  /** Lambda's name of its architecture. */
  architecture: string;
  /** The profiler layer is attached and its wrapper variable set. */
  instrumented: boolean;
  /** The profiler layer version attached, or null. */
  layerVersionArn: string | null;
  /** The newest version of that layer in the region built for the function's architecture, or null. */
  newestLayerVersionArn: string | null;
  /** The record is there, decodes, and what it names is on the function as recorded. */
  recordIntact: boolean;
}

/** What a record problem of `status` means for `list`: the record is not intact. */
const RECORD_PROBLEMS = new Set(['damaged-record', 'layer-missing', 'wrapper-missing', 'wrapper-mismatch', 'variable-missing', 'variable-mismatch']);

/**
 * Lists every function of `regions` (default the AWS environment's one), with the SDK's
 * paginator, and reads each one's status, at most `concurrency` at a time per region.
 * A function that cannot be read is left out and counted in `unreadable`.
 */
export async function listFunctions(options: FleetOptions & { regions?: string[] }): Promise<{ functions: ListedFunction[]; unreadable: { function: string; region: string; error: { code: string; message: string } }[] }> {
  for (const r of options.regions ?? []) checkRegion(r);
  const regions = options.regions && options.regions.length > 0 ? [...new Set(options.regions)] : [await defaultRegion(options)];
  const targets: SelectedFunction[] = [];
  for (const region of regions) {
    const fns = await listRegionFunctions(lambdaClient({ ...options, region }), region);
    for (const c of fns) targets.push({ functionName: c.FunctionArn ?? c.FunctionName ?? '', name: c.FunctionName ?? '', region, ...(c.FunctionArn ? { arn: c.FunctionArn } : {}), configuration: c });
  }
  targets.sort((a, b) => regions.indexOf(a.region) - regions.indexOf(b.region) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const layerCaches = new Map<string, Map<string, Promise<GetLayerVersionCommandOutput>>>();
  const versionCaches = new Map<string, Map<string, Promise<ListedVersion[]>>>();
  const cache = <T>(m: Map<string, Map<string, T>>, region: string): Map<string, T> => {
    if (!m.has(region)) m.set(region, new Map());
    return m.get(region)!;
  };
  const report = await runFleet(
    targets,
    async (t, client, regionOptions) => {
      const s = await functionStatus({ ...regionOptions, functionName: t.functionName, lambdaClient: client }, cache(layerCaches, t.region));
      let newest: string | null = null;
      if (s.layer) {
        const versions = cache(versionCaches, t.region);
        // The account's own layer is listed by name; another account's by its ARN.
        const layerAccount = /^arn:[^:]+:lambda:[^:]+:(\d+):layer:([^:]+)$/.exec(s.layer.layerArn);
        const fnAccount = /^arn:[^:]+:lambda:[^:]+:(\d+):function:/.exec(t.arn ?? '')?.[1];
        const which = layerAccount && layerAccount[1] === fnAccount ? layerAccount[2]! : s.layer.layerArn;
        let p = versions.get(which);
        if (!p) {
          p = listLayerVersions(client, which);
          versions.set(which, p);
        }
        newest = (await p).find((v) => v.architectures.includes(s.architecture as 'arm64'))?.layerVersionArn ?? null;
      }
      const entry: ListedFunction = {
        function: t.arn ?? t.functionName,
        region: t.region,
        runtime: s.runtime,
        architecture: s.architecture,
        instrumented: s.instrumented,
        layerVersionArn: s.layer?.layerVersionArn ?? null,
        newestLayerVersionArn: newest,
        recordIntact: s.recorded && !s.problems.some((p) => RECORD_PROBLEMS.has(p.code)),
      };
      return { doc: entry as unknown as Record<string, unknown>, changed: false, applied: false };
    },
    options,
  );
  const functions: ListedFunction[] = [];
  const unreadable: { function: string; region: string; error: { code: string; message: string } }[] = [];
  for (const r of report.results) {
    if (r.error || r.refusal) unreadable.push({ function: r.function, region: r.region, error: (r.error ?? r.refusal)! });
    else {
      const { ok: _o, applied: _a, ...rest } = r;
      void _o;
      void _a;
      functions.push(rest as unknown as ListedFunction);
    }
  }
  return { functions, unreadable };
}

/** `list` for people: one row per function. */
export function listTable(functions: ListedFunction[]): string {
  const short = (arn: string | null) => (arn ? arn.replace(/^arn:[^:]+:lambda:[^:]+:\d+:(function|layer):/, '') : '-');
  const rows = functions.map((f) => [
    short(f.function),
    f.region,
    f.runtime ?? '-',
    f.architecture,
    f.instrumented ? 'yes' : 'no',
    short(f.layerVersionArn),
    f.layerVersionArn && f.newestLayerVersionArn && f.newestLayerVersionArn !== f.layerVersionArn ? `${short(f.newestLayerVersionArn)} (newer)` : short(f.newestLayerVersionArn),
    f.layerVersionArn || f.recordIntact ? (f.recordIntact ? 'intact' : 'not intact') : '-',
  ]);
  const head = ['FUNCTION', 'REGION', 'RUNTIME', 'ARCH', 'INSTRUMENTED', 'LAYER', 'NEWEST', 'RECORD'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(w[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}
