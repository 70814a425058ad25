/**
 * The answers of the receiver: HTTP statuses with a `google.rpc.Status` body, and the
 * gRPC codes that match them (docs/local.md).
 * @packageDocumentation
 */
import { timingSafeEqual } from 'crypto';

/** Why a request was not accepted. */
export type RejectReason = 'not-found' | 'method' | 'unauthenticated' | 'media-type' | 'too-large' | 'bad-body' | 'busy' | 'timeout' | 'write-failed';

/** HTTP status, gRPC status code (`google.rpc.Code`) for each reason. */
export const REJECT_STATUS: Readonly<Record<RejectReason, { http: number; grpc: number }>> = {
  'not-found': { http: 404, grpc: 5 },
  method: { http: 405, grpc: 12 },
  unauthenticated: { http: 401, grpc: 16 },
  'media-type': { http: 415, grpc: 3 },
  'too-large': { http: 413, grpc: 8 },
  'bad-body': { http: 400, grpc: 3 },
  busy: { http: 503, grpc: 14 },
  timeout: { http: 408, grpc: 4 },
  'write-failed': { http: 500, grpc: 13 },
};

/** Thrown inside the receiver to answer a request with an error status. @internal */
export class Reject extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
  }
}

/** True when `authorization` is `Bearer T` or `Api-Token T` (the scheme in any case). */
export function authorizationMatches(authorization: string | undefined, token: string): boolean {
  if (typeof authorization !== 'string') return false;
  const m = /^\s*(bearer|api-token)\s+(\S+)\s*$/i.exec(authorization);
  if (!m) return false;
  // the same time whatever the token's prefix
  const a = Buffer.from(m[2]!);
  const b = Buffer.from(token);
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
