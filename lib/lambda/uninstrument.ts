/**
 * `uninstrument`: take the profiler out of a function exactly, by the record instrument
 * left on it (docs/lambda.md, "uninstrument").
 * @packageDocumentation
 */
import { UntagResourceCommand } from '@aws-sdk/client-lambda';
import { lambdaClient } from './aws';
import { awsError } from './aws-errors';
import { applyConfiguration, changes, resultOf } from './instrument';
import { planUninstrument } from './plan';
import { facts, getFunction } from './read';
import { decodeRecord, recordTagKeys } from './record';
import type { LambdaChangeResult, UninstrumentOptions } from './types';
import { checkFunctionName } from './validate';

/**
 * Takes the profiler out of a function (`uninstrument`): by the record instrument left
 * on it, removes the profiler layer (every other layer stays, in order), removes exactly
 * the variables instrument added, gives back any value it replaced, and removes the
 * record. A variable the user had before, or changed since, stays. With `dryRun`,
 * returns the plan and changes nothing. A function without a record is left alone
 * (`applied` false, a `not-instrumented` warning).
 */
export async function uninstrumentFunction(options: UninstrumentOptions): Promise<LambdaChangeResult> {
  checkFunctionName(options.functionName);
  const show = options.showSecrets === true;
  const client = lambdaClient(options);
  const fnOut = await getFunction(client, options.functionName);
  const fn = facts(fnOut, options.functionName);
  const functionArn = fnOut.Configuration?.FunctionArn ?? options.functionName;
  const record = decodeRecord(fnOut.Tags, fn.name);
  const plan = planUninstrument(fn, record, show);
  if (options.dryRun || !record) return resultOf(plan, fn.name, false, [], show);
  if (changes(plan)) await applyConfiguration(client, functionArn, plan, options);
  // The record goes last: if anything above failed, it is still there for a second try.
  try {
    await client.send(new UntagResourceCommand({ Resource: functionArn, TagKeys: recordTagKeys(fnOut.Tags ?? {}) }));
  } catch (err) {
    throw awsError(err, `removing the net-profiler record tags from ${fn.name}`, 'The layer and variables were already taken out; run uninstrument again to remove the record.');
  }
  return resultOf(plan, fn.name, true, [], show);
}
