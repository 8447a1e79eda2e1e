import { isGrpcServiceError } from '@temporalio/client';

/** gRPC status UNAVAILABLE: no server at the address, a connection reset, a server starting or stopping. */
const GRPC_UNAVAILABLE = 14;

const UNREACHABLE_TEXT = /Unavailable|tcp connect error|Connection refused|transport error|no Temporal server answers/i;

/**
 * True when `err` says the Temporal server could not be reached (rather than that it answered with an
 * error): the caller should wait and try again. Looks through `cause`, since the client wraps gRPC errors.
 */
export function isServerUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e) && e.code === GRPC_UNAVAILABLE) return true;
    if (UNREACHABLE_TEXT.test(e instanceof Error ? e.message : String(e))) return true;
  }
  return false;
}
