/**
 * Checks of the arguments every `lambda` function takes, before any AWS call: each
 * misuse is `bad-argument` naming the argument (as the CLI flag, without dashes) and
 * what it accepts, quoting at most a short prefix of the value.
 * @packageDocumentation
 */
import { badArgument, quoteValue } from '../errors';

/** How a message names the argument: the CLI flag (`--layer-arn`), or the positional's name (`FUNCTION`). */
function label(argument: string): string {
  return argument === 'function' ? 'FUNCTION' : argument === 'zip' ? 'ZIP' : `--${argument}`;
}

const FUNCTION_NAME =
  /^(arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:function:|\d{12}:function:)?[a-zA-Z0-9_-]{1,64}(:(\$LATEST|[a-zA-Z0-9_-]{1,128}))?$/;
const LAYER_NAME = /^[a-zA-Z0-9_-]{1,140}$/;
const LAYER_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:layer:[a-zA-Z0-9_-]{1,140}$/;
const LAYER_VERSION_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:layer:[a-zA-Z0-9_-]{1,140}:\d{1,9}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** A function name, partial ARN (`123456789012:function:NAME`) or full ARN, with an optional qualifier. */
export function checkFunctionName(name: unknown, argument = 'function'): string {
  if (typeof name !== 'string' || name === '') throw badArgument(argument, `${label(argument)} is empty: no function name given`, ['a function name', 'its ARN']);
  if (!FUNCTION_NAME.test(name)) {
    throw badArgument(argument, `${label(argument)} ${quoteValue(name)} is not a Lambda function name or ARN`, [
      'a name of letters, digits, - and _ (up to 64)',
      'arn:aws:lambda:REGION:ACCOUNT:function:NAME',
    ]);
  }
  return name;
}

/** A layer name or its unversioned ARN (what `publish` publishes under). */
export function checkLayerName(name: unknown, argument = 'layer-name'): string {
  if (typeof name !== 'string' || name === '') throw badArgument(argument, `${label(argument)} is empty: no layer name given`, ['a layer name', 'the layer\'s ARN without a version']);
  if (!LAYER_NAME.test(name) && !LAYER_ARN.test(name)) {
    throw badArgument(argument, `${label(argument)} ${quoteValue(name)} is not a layer name`, [
      'letters, digits, - and _ (up to 140)',
      'arn:aws:lambda:REGION:ACCOUNT:layer:NAME',
    ]);
  }
  return name;
}

/** A layer version ARN (`…:layer:NAME:7`). */
export function checkLayerVersionArn(arn: unknown, argument = 'layer-arn'): string {
  if (typeof arn !== 'string' || !LAYER_VERSION_ARN.test(arn)) {
    throw badArgument(argument, `${label(argument)} ${quoteValue(arn)} is not a layer version ARN`, ['arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION']);
  }
  return arn;
}

/** An AWS region name such as `eu-central-1`. */
export function checkRegion(region: unknown, argument = 'region'): string {
  if (typeof region !== 'string' || !REGION.test(region)) {
    throw badArgument(argument, `${label(argument)} ${quoteValue(region)} is not an AWS region name`, ['a region such as eu-central-1 or us-gov-west-1']);
  }
  return region;
}

/** An endpoint URL: `http://` or `https://` with a host, nothing else. */
export function checkEndpointUrl(url: unknown, argument = 'endpoint-url'): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') {
    throw badArgument(argument, `${label(argument)} ${quoteValue(url)} is not an endpoint URL`, ['http://HOST[:PORT]', 'https://HOST[:PORT]']);
  }
  return url as string;
}

/** An S3 bucket name (what `--s3-bucket` names; `{region}` may stand for the region). */
export function checkBucket(bucket: unknown, argument = 's3-bucket'): string {
  const probe = typeof bucket === 'string' ? bucket.replace(/\{region\}/g, 'eu-central-1') : bucket;
  if (typeof probe !== 'string' || !BUCKET.test(probe)) {
    throw badArgument(argument, `${label(argument)} ${quoteValue(bucket)} is not an S3 bucket name`, ['3 to 63 lower-case letters, digits, . and -']);
  }
  return bucket as string;
}

/** A profile name from `~/.aws/config` (no spaces, not empty). */
export function checkProfile(profile: unknown, argument = 'profile'): string {
  if (typeof profile !== 'string' || !/^[A-Za-z0-9_.@+-]{1,128}$/.test(profile)) {
    throw badArgument(argument, `AWS_PROFILE ${quoteValue(profile)} is not a profile name`, ['a profile of ~/.aws/config']);
  }
  return profile;
}
