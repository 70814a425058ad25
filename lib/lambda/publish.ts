/**
 * Publishing the layer ZIP as a layer version: inline up to Lambda's direct-upload limit,
 * through S3 above it (docs/lambda.md, "publish").
 * @packageDocumentation
 */
import { createHash } from 'crypto';
import { Readable } from 'stream';
import { PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { INPUT_CAPS, LAMBDA_LIMITS } from '../constants';
import { readFileCapped } from '../files';
import { lambdaClient, s3Client } from './aws';
import { awsError } from './aws-errors';
import { lambdaError, refusal } from './errors';
import { LayerInfo, readLayerInfo } from './layer-info';
import { lambdaArch, unversionedLayerArn } from './plan';
import type { PublishOptions, PublishResult } from './types';
import { checkBucket, checkLayerName } from './validate';

/** Start of the description `publishLayer` gives a layer version; `status` recognises the profiler's layers by it. */
export const LAYER_DESCRIPTION_PREFIX = 'net_profiler_rust';

function publishedDescription(info: LayerInfo): string {
  return `${LAYER_DESCRIPTION_PREFIX} ${info.version} (${info.arch}; ${info.runtimes.join(', ')})`.slice(0, 256);
}

/**
 * Publishes the layer ZIP as a new layer version, with `CompatibleRuntimes` and
 * `CompatibleArchitectures` read from its manifest. Up to 50 MB it goes inline; above,
 * through `s3Bucket` (required then).
 * @throws LambdaError `invalid-layer` (refused) for a ZIP that is not a profiler
 *   layer (the layer package says which file to use instead), RefusalError
 *   `s3-bucket-required` for a large ZIP without a bucket, `bad-argument` for a bad
 *   layer name, bucket, region or endpoint, outside errors for AWS failures.
 */
export async function publishLayer(options: PublishOptions): Promise<PublishResult> {
  checkLayerName(options.layerName);
  if (options.s3Bucket !== undefined) checkBucket(options.s3Bucket);
  const info = await readLayerInfo(options.zip);
  return publishChecked(options, info);
}

/** Refuses a ZIP above the direct-upload limit when no bucket is named. */
export function checkUpload(options: Pick<PublishOptions, 'zip' | 's3Bucket' | 'directUploadLimit'>, info: LayerInfo): void {
  const limit = options.directUploadLimit ?? LAMBDA_LIMITS.directUploadBytes;
  if (info.zipBytes > limit && !options.s3Bucket) {
    throw refusal(
      's3-bucket-required',
      `${options.zip} is ${info.zipBytes} bytes, above Lambda's ${limit}-byte limit for a direct upload; it must go through S3`,
      'name a bucket in the same region with --s3-bucket',
      options.zip,
    );
  }
}

/** {@link publishLayer} once the ZIP's facts are known. */
export async function publishChecked(options: PublishOptions, info: LayerInfo): Promise<PublishResult> {
  checkUpload(options, info);
  const limit = options.directUploadLimit ?? LAMBDA_LIMITS.directUploadBytes;
  const bytes = await readFileCapped(options.zip, INPUT_CAPS.zipBytes, 'a layer ZIP');
  const client = lambdaClient(options);
  const content: { ZipFile?: Uint8Array; S3Bucket?: string; S3Key?: string } = {};
  let s3: { bucket: string; key: string } | undefined;
  options.onProgress?.(0, bytes.length);
  if (info.zipBytes > limit) {
    const name = options.layerName.replace(/^.*:layer:/, '');
    const key = options.s3Key ?? `net-profiler/layers/${name}/${createHash('sha256').update(bytes).digest('hex')}.zip`;
    s3 = { bucket: options.s3Bucket!, key };
    const where = `s3://${s3.bucket}/${key}`;
    try {
      // A stream of 1 MiB chunks, so progress follows what the SDK has sent.
      const total = bytes.length;
      const onProgress = options.onProgress;
      function* chunks(): Generator<Buffer> {
        for (let i = 0; i < total; i += 1 << 20) {
          onProgress?.(i, total);
          yield bytes.subarray(i, Math.min(total, i + (1 << 20)));
        }
      }
      await s3Client(options).send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: Readable.from(chunks(), { objectMode: false }), ContentLength: total, ContentType: 'application/zip' }),
      );
    } catch (err) {
      throw awsError(err, `uploading ${options.zip} to ${where}`, 'No layer version was published.');
    }
    content.S3Bucket = s3.bucket;
    content.S3Key = key;
  } else {
    content.ZipFile = bytes;
  }
  let out;
  try {
    out = await client.send(
      new PublishLayerVersionCommand({
        LayerName: options.layerName,
        Description: publishedDescription(info),
        Content: content,
        CompatibleRuntimes: info.runtimes,
        CompatibleArchitectures: [lambdaArch(info.arch)],
      }),
    );
  } catch (err) {
    throw awsError(err, `publishing layer ${options.layerName}`, 'No layer version was published.');
  }
  options.onProgress?.(bytes.length, bytes.length);
  if (!out.LayerVersionArn || out.Version === undefined) {
    throw lambdaError('aws-error', 'PublishLayerVersion answered without a LayerVersionArn', { kind: 'outside', fix: 'run the command again' });
  }
  return {
    ok: true,
    layerVersionArn: out.LayerVersionArn,
    layerArn: out.LayerArn ?? unversionedLayerArn(out.LayerVersionArn),
    version: out.Version,
    arch: info.arch,
    runtimes: info.runtimes,
    uploadedVia: s3 ? 's3' : 'direct',
    ...(s3 ? { s3 } : {}),
  };
}
