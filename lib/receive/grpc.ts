/**
 * The OTLP/gRPC side of the receiver: the three `Export` services of
 * opentelemetry-proto, through `@grpc/grpc-js` (loaded here only), gzip accepted.
 * Messages cross as raw bytes: the native core checks and stores them as they came.
 * @packageDocumentation
 * @internal
 */
import { NetProfilerError } from '../errors';
import type { ListenAddress } from './address';
import { formatAddress } from './address';
import type { ReceiveErrorCode } from './errors';
import type { OtlpSignal } from './native';
import type { Receiver } from './receiver';
import { authorizationMatches, Reject, REJECT_STATUS } from './status';
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { GRPC_METHODS, Grpc, loadGrpc } from './otlp';

const identity = (b: Buffer): Buffer => b;

/** Raw-bytes definition of one unary Export method. @internal */
export function rawMethod(path: string) {
  return { path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity };
}

/** Starts the gRPC server. @internal */
export async function listenGrpc(receiver: Receiver, at: ListenAddress): Promise<{ server: InstanceType<Grpc['Server']>; port: number }> {
  const grpc = loadGrpc('reinstall net-profiler (npm install), or turn gRPC off (--no-grpc)');
  const server = new grpc.Server({
    'grpc.max_receive_message_length': receiver.maxRequestBytes,
    'grpc.max_send_message_length': 1 << 20,
  });
  for (const signal of Object.keys(GRPC_METHODS) as OtlpSignal[]) {
    const definition = { Export: rawMethod(GRPC_METHODS[signal]) };
    server.addService(definition as never, {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        const reject = (r: Reject) => {
          receiver.rejected('grpc', r.reason, r.message);
          callback({ code: REJECT_STATUS[r.reason].grpc, details: r.message });
        };
        if (receiver.token !== undefined) {
          const auth = call.metadata.get('authorization')[0];
          if (!authorizationMatches(typeof auth === 'string' ? auth : undefined, receiver.token))
            return reject(new Reject('unauthenticated', 'missing or wrong authorization metadata: send "Bearer TOKEN" or "Api-Token TOKEN"'));
        }
        if (receiver.busy()) return reject(new Reject('busy', 'the receiver is behind writing its dump; retry after a second'));
        receiver.ingest(signal, call.request, false, 'grpc').then(
          () => callback(null, Buffer.alloc(0)),
          (err) => (err instanceof Reject ? reject(err) : callback({ code: grpc.status.INTERNAL, details: 'internal error' })),
        );
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(formatAddress(at.host, at.port), grpc.ServerCredentials.createInsecure(), (err, p) => {
      if (err) {
        const e = Object.assign(new Error(err.message), { code: /in use|EADDRINUSE/i.test(err.message) ? 'EADDRINUSE' : undefined });
        reject(
          new NetProfilerError<ReceiveErrorCode>('listen-failed', `cannot listen for OTLP/gRPC on ${formatAddress(at.host, at.port)}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`, {
            kind: 'outside',
            argument: 'grpc',
            fix: 'pick another HOST:PORT (port 0 picks a free one), or turn gRPC off (--no-grpc)',
            cause: err,
          }),
        );
      } else resolve(p);
    });
  });
  return { server, port };
}
