/**
 * Selecting many functions (docs/lambda.md, "Many functions"): names and ARNs,
 * `functionsRegex`, `all` (the dotnet8/dotnet10 functions), over one or more regions,
 * listed with the SDK's paginator (`paginateListFunctions`, never one page only).
 * @packageDocumentation
 */
import { paginateListFunctions, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import { isRuntime, RUNTIMES } from '../constants';
import { badArgument, quoteValue } from '../errors';
import { AwsOptions, lambdaClient } from './aws';
import { awsError } from './aws-errors';
import { lambdaError } from './errors';
import { checkFunctionName, checkRegion } from './validate';

/** Which functions a command acts on. At least one of `functions`, `functionsRegex`, `all`. */
export interface Selection {
  /** Names, partial ARNs or full ARNs (a full ARN carries its region). */
  functions?: string[];
  /** Every function of each region whose name this pattern matches (JavaScript syntax, unanchored; no `:`). */
  functionsRegex?: string;
  /** Every function of each region with a dotnet8 or dotnet10 runtime (container images have none). */
  all?: boolean;
  /** The regions searched for names, the pattern and `all`; default the one region of the AWS environment. */
  regions?: string[];
}

/** One selected function. */
export interface SelectedFunction {
  /** What to pass to the one-function operations: the ARN when known, else the name as given. */
  functionName: string;
  /** The function's name. */
  name: string;
  /** Its region. */
  region: string;
  /** The full ARN when known. */
  arn?: string;
  /** From the listing, when listed. */
  configuration?: FunctionConfiguration;
}

const FULL_ARN = /^arn:[^:]+:lambda:([^:]+):(\d{12}):function:([^:]+)(:.+)?$/;

/** True when the selection is one function given by name (or ARN) in at most one region: the one-function output applies. */
export function isSingle(selection: Selection): boolean {
  return (selection.functions?.length ?? 0) === 1 && !selection.functionsRegex && !selection.all && (selection.regions?.length ?? 0) <= 1;
}

/** Checks a selection's arguments (`bad-argument` naming the flag). */
export function checkSelection(selection: Selection): RegExp | undefined {
  const given = (selection.functions?.length ?? 0) > 0 || selection.functionsRegex !== undefined || selection.all === true;
  if (!given) throw badArgument('function', 'no function selected', ['FUNCTION...', '--functions-regex RE', '--all']);
  for (const f of selection.functions ?? []) checkFunctionName(f);
  for (const r of selection.regions ?? []) checkRegion(r);
  if (selection.functionsRegex === undefined) return undefined;
  const re = selection.functionsRegex;
  if (re.includes(':')) throw badArgument('functions-regex', `--functions-regex ${quoteValue(re)} has a ':'; it matches function names, not ARNs`, ['a pattern over function names']);
  try {
    return new RegExp(re);
  } catch (err) {
    throw badArgument('functions-regex', `--functions-regex ${quoteValue(re)} is not a regular expression (${(err as Error).message.slice(0, 80)})`);
  }
}

/** The region a client without an explicit region uses (the AWS environment's), or a `no-region` error. */
export async function defaultRegion(options: AwsOptions): Promise<string> {
  if (options.region) return options.region;
  try {
    const r = await lambdaClient(options).config.region();
    if (r) return r;
  } catch (err) {
    throw awsError(err, 'finding the region');
  }
  throw lambdaError('no-region', 'no AWS region is set', { kind: 'usage', argument: 'region', fix: 'pass --region or set AWS_REGION' });
}

/** Every function of a region, with the SDK's paginator. */
export async function listRegionFunctions(client: LambdaClient, region: string): Promise<FunctionConfiguration[]> {
  const out: FunctionConfiguration[] = [];
  try {
    for await (const page of paginateListFunctions({ client, pageSize: 50 }, {})) out.push(...(page.Functions ?? []));
  } catch (err) {
    throw awsError(err, `listing the functions of ${region}`, 'Nothing was changed.');
  }
  return out;
}

/**
 * Resolves a selection to functions, each once, in a stable order (by region as given,
 * then by name). Each region is listed (its listing gives the ARNs and says where a name
 * is); a name found in no region is returned in `missing`. One name in one region is
 * taken as it is.
 * @throws LambdaError `nothing-selected` (refused) when a pattern or `all` matches nothing and no name was given.
 */
export async function selectFunctions(
  selection: Selection,
  options: AwsOptions,
  clientFor: (region: string) => LambdaClient = (region) => lambdaClient({ ...options, region }),
): Promise<{ functions: SelectedFunction[]; missing: { name: string; regions: string[] }[] }> {
  const re = checkSelection(selection);
  const regions = selection.regions && selection.regions.length > 0 ? [...new Set(selection.regions)] : [await defaultRegion(options)];
  const picked = new Map<string, SelectedFunction>();
  const add = (f: SelectedFunction) => {
    const key = `${f.region}\u0000${f.arn ?? f.name}`;
    if (!picked.has(key)) picked.set(key, f);
  };
  const names: string[] = [];
  for (const f of selection.functions ?? []) {
    const m = FULL_ARN.exec(f);
    if (m) add({ functionName: f, name: m[3]!, region: m[1]!, arn: f });
    else names.push(f);
  }
  // A run of many always lists: the listing gives each function's ARN and says where a name is.
  const needListing = !isSingle(selection) || re !== undefined || selection.all === true;
  const missing: { name: string; regions: string[] }[] = [];
  if (!needListing) {
    for (const n of names) add({ functionName: n, name: n.replace(/^.*:function:/, ''), region: regions[0]! });
  } else {
    const found = new Set<string>();
    for (const region of regions) {
      const fns = await listRegionFunctions(clientFor(region), region);
      for (const c of fns) {
        const name = c.FunctionName ?? '';
        const byName = names.some((n) => n === name || n.replace(/^.*:function:/, '') === name);
        if (byName) found.add(name);
        const byRegex = re !== undefined && re.test(name);
        const byAll = selection.all === true && c.PackageType !== 'Image' && isRuntime(c.Runtime);
        if (byName || byRegex || byAll) add({ functionName: c.FunctionArn ?? name, name, region, ...(c.FunctionArn ? { arn: c.FunctionArn } : {}), configuration: c });
      }
    }
    for (const n of names) if (!found.has(n.replace(/^.*:function:/, ''))) missing.push({ name: n, regions });
  }
  const functions = [...picked.values()].sort((a, b) => regions.indexOf(a.region) - regions.indexOf(b.region) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (functions.length === 0 && missing.length === 0) {
    const what = [re ? `names matching /${selection.functionsRegex}/` : '', selection.all ? `${RUNTIMES.join(' or ')} functions` : ''].filter(Boolean).join(' and ');
    throw lambdaError('nothing-selected', `no function selected: searched ${regions.join(', ')} for ${what || 'the functions named'}`, {
      fix: 'check the pattern and --region (repeat it for several regions)',
    });
  }
  return { functions, missing };
}
