/**
 * The one place that says how Crucible connects to Temporal: address, namespace, TLS, API key and the
 * data converter (payload encryption). Every client and worker connection goes through here, so the
 * same environment applies to the CLI, the embedded workers of `crucible run` and `crucible-worker`.
 *
 *   TEMPORAL_ADDRESS          host:port (default localhost:7233)
 *   TEMPORAL_NAMESPACE        namespace (default "default")
 *   TEMPORAL_TLS              1/true: TLS with the system's roots; 0/false: no TLS (default: on when
 *                             any TLS file or an API key is given, else off)
 *   TEMPORAL_TLS_CA           PEM file of the server's CA (alias TEMPORAL_TLS_SERVER_CA_CERT_PATH)
 *   TEMPORAL_TLS_CERT         PEM client certificate for mTLS (alias TEMPORAL_TLS_CLIENT_CERT_PATH)
 *   TEMPORAL_TLS_KEY          PEM client key for mTLS, with the certificate (alias TEMPORAL_TLS_CLIENT_KEY_PATH)
 *   TEMPORAL_TLS_SERVER_NAME  the name the server's certificate must carry (SNI), when not the address's host
 *   TEMPORAL_API_KEY          API key (Temporal Cloud): sent as `Authorization: Bearer …`; implies TLS
 *   CRUCIBLE_PAYLOAD_KEYS, CRUCIBLE_PAYLOAD_KEY_ID   payload encryption (see payloadCodec.ts)
 *
 * The aliases are the names of Temporal's own environment configuration (the `temporal` CLI reads them).
 * The API key and the payload keys are never printed: descriptions say only that they are set.
 */
import { Client, Connection, type ConnectionOptions, type TLSConfig } from '@temporalio/client';
import { defaultPayloadConverter, type DataConverter, type Payload, type PayloadCodec, type PayloadConverter } from '@temporalio/common';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { DEFAULT_NAMESPACE, DEFAULT_TEMPORAL_PORT } from './constants.js';
import { payloadCodecFromEnv, PAYLOAD_KEYS_ENV } from './payloadCodec.js';

/** A file-valued setting: the variable Crucible documents first, then Temporal's own name for it. */
const FILE_VARS = {
  ca: ['TEMPORAL_TLS_CA', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'],
  cert: ['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_CLIENT_CERT_PATH'],
  key: ['TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CLIENT_KEY_PATH'],
} as const;

/** What the environment says about the cluster; secrets stay inside (see describeTemporal). */
export interface TemporalSettings {
  address: string;
  namespace: string;
  /** null: a plain connection. */
  tls: TLSConfig | null;
  apiKey: string | null;
  /** Where the TLS settings came from, for messages ("CA from TEMPORAL_TLS_CA", ...). */
  tlsSources: string[];
  /** Whether payloads are encrypted (CRUCIBLE_PAYLOAD_KEYS set). */
  encrypted: boolean;
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/** A file setting under either of its names (one value, or the same value twice). */
function fileSetting(env: NodeJS.ProcessEnv, names: readonly [string, string]): { name: string; path: string } | null {
  const [a, b] = names.map((n) => ({ name: n, path: nonEmpty(env, n) }));
  if (a!.path && b!.path && a!.path !== b!.path) throw new Error(`${a!.name} and ${b!.name} name different files (${a!.path}, ${b!.path}); set one`);
  const found = a!.path ? a! : b!.path ? b! : null;
  return found ? { name: found.name, path: found.path! } : null;
}

function readSetting(s: { name: string; path: string }): Uint8Array {
  try {
    return readFileSync(s.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${s.name}: cannot read ${s.path}${code ? ` (${code})` : ''}`);
  }
}

function parseBool(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const v = nonEmpty(env, name)?.toLowerCase();
  if (v === undefined) return undefined;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new Error(`${name} must be 1/true or 0/false (got "${env[name]}")`);
}

export function temporalNamespace(env: NodeJS.ProcessEnv = process.env): string {
  return nonEmpty(env, 'TEMPORAL_NAMESPACE') ?? DEFAULT_NAMESPACE;
}

/** Reads and validates the environment (TLS files are read here, so a bad path fails before any connection). */
export function temporalSettings(opts: { env?: NodeJS.ProcessEnv; address?: string } = {}): TemporalSettings {
  const env = opts.env ?? process.env;
  const address = opts.address ?? nonEmpty(env, 'TEMPORAL_ADDRESS') ?? `localhost:${DEFAULT_TEMPORAL_PORT}`;
  const ca = fileSetting(env, FILE_VARS.ca);
  const cert = fileSetting(env, FILE_VARS.cert);
  const key = fileSetting(env, FILE_VARS.key);
  if (cert && !key) throw new Error(`${cert.name} is set but TEMPORAL_TLS_KEY is not: mTLS needs the client certificate and its key (TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY)`);
  if (key && !cert) throw new Error(`${key.name} is set but TEMPORAL_TLS_CERT is not: mTLS needs the client certificate and its key (TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY)`);
  const serverName = nonEmpty(env, 'TEMPORAL_TLS_SERVER_NAME');
  const apiKey = nonEmpty(env, 'TEMPORAL_API_KEY') ?? null;
  const tlsFlag = parseBool(env, 'TEMPORAL_TLS');
  const tlsDetails = Boolean(ca || cert || serverName);
  if (tlsFlag === false && tlsDetails) {
    throw new Error('TEMPORAL_TLS is off but TLS settings are given (TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT/KEY or TEMPORAL_TLS_SERVER_NAME): unset one or the other');
  }
  const useTls = tlsFlag ?? (tlsDetails || apiKey !== null);
  const tlsSources: string[] = [];
  let tls: TLSConfig | null = null;
  if (useTls) {
    tls = {};
    if (ca) {
      tls.serverRootCACertificate = readSetting(ca);
      tlsSources.push(`CA from ${ca.name}`);
    }
    if (cert && key) {
      tls.clientCertPair = { crt: readSetting(cert), key: readSetting(key) };
      tlsSources.push(`client certificate from ${cert.name}`);
    }
    if (serverName) {
      tls.serverNameOverride = serverName;
      tlsSources.push(`server name ${serverName}`);
    }
  }
  return { address, namespace: temporalNamespace(env), tls, apiKey, tlsSources, encrypted: Boolean(nonEmpty(env, PAYLOAD_KEYS_ENV)) };
}

/** "host:port (namespace ns; TLS: CA from TEMPORAL_TLS_CA; API key; encrypted payloads)": safe to print. */
export function describeTemporal(s: TemporalSettings): string {
  const parts: string[] = [];
  if (s.namespace !== DEFAULT_NAMESPACE) parts.push(`namespace ${s.namespace}`);
  if (s.tls) parts.push(s.tlsSources.length ? `TLS: ${s.tlsSources.join(', ')}` : 'TLS with the system roots');
  if (s.apiKey !== null) parts.push('API key from TEMPORAL_API_KEY');
  if (s.encrypted) parts.push('encrypted payloads');
  return parts.length ? `${s.address} (${parts.join('; ')})` : s.address;
}

/** Options for a client `Connection` (the CLI). */
export function clientConnectionOptions(opts: { env?: NodeJS.ProcessEnv; address?: string; connectTimeout?: number } = {}): ConnectionOptions {
  const s = temporalSettings(opts);
  return {
    address: s.address,
    tls: s.tls ?? false,
    ...(s.apiKey !== null ? { apiKey: s.apiKey } : {}),
    ...(opts.connectTimeout !== undefined ? { connectTimeout: opts.connectTimeout } : {}),
    // gRPC's reconnect backoff grows to 2 minutes by default: a client that lost a restarting server
    // would notice it back long after it answers again.
    channelArgs: { 'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS },
  };
}

/** The longest a client waits between attempts to reconnect to a server it lost. */
const MAX_RECONNECT_BACKOFF_MS = 5000;

/** Options for a worker's `NativeConnection`. */
export function nativeConnectionOptions(opts: { env?: NodeJS.ProcessEnv; address?: string } = {}): NativeConnectionOptions {
  const s = temporalSettings(opts);
  return { address: s.address, tls: s.tls ?? false, ...(s.apiKey !== null ? { apiKey: s.apiKey } : {}) };
}

/** The data converter for every client and worker: payload encryption when CRUCIBLE_PAYLOAD_KEYS is set. */
export function dataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter {
  const codec = payloadCodecFromEnv(env);
  return codec ? { payloadCodecs: [codec] } : {};
}

/** Why a connection failed, naming the address and the TLS setup (never a secret). */
function connectError(s: TemporalSettings, err: unknown): Error {
  const cause = (err instanceof Error ? err.message : String(err)).replace(/\.$/, '');
  const hint = s.tls
    ? 'TLS is on: check that the server speaks TLS on that port, that its certificate is signed by the CA (TEMPORAL_TLS_CA, else the system roots) '
      + 'and names the host (else set TEMPORAL_TLS_SERVER_NAME), and, where it requires mTLS, that TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY hold a client '
      + 'certificate it accepts; set TEMPORAL_TLS=0 for a plain server.'
    : 'For the local dev server, start one with `crucible server start`.';
  return new Error(`no Temporal server answers at ${describeTemporal(s)}: ${cause}. ${hint}`, { cause: err });
}

/** A client on the configured cluster and namespace, with the configured data converter. */
export async function connectTemporalClient(opts: { env?: NodeJS.ProcessEnv; address?: string; connectTimeout?: number } = {}): Promise<Client> {
  const env = opts.env ?? process.env;
  const s = temporalSettings(opts);
  const converter = dataConverter(env);
  const connection = await Connection.connect(clientConnectionOptions({ ...opts, connectTimeout: opts.connectTimeout ?? 5000 }))
    .catch((err: unknown) => { throw connectError(s, err); });
  return new Client({ connection, namespace: s.namespace, dataConverter: converter });
}

/** A worker connection to the configured cluster. */
export async function connectNativeConnection(opts: { env?: NodeJS.ProcessEnv; address?: string } = {}): Promise<NativeConnection> {
  const s = temporalSettings(opts);
  return NativeConnection.connect(nativeConnectionOptions(opts)).catch((err: unknown) => { throw connectError(s, err); });
}

/**
 * A payload read straight from history (fetchHistory) as a value: through the codecs first (decrypts;
 * plain payloads pass), then the payload converter. Pass a client's `options.loadedDataConverter` to
 * decode as that client does; the default is the environment's.
 */
export async function decodeHistoryPayload<T>(
  payload: Payload, converter: { payloadCodecs?: PayloadCodec[]; payloadConverter?: PayloadConverter } = dataConverter(),
): Promise<T> {
  let decoded = [payload];
  for (const codec of [...(converter.payloadCodecs ?? [])].reverse()) decoded = await codec.decode(decoded);
  return (converter.payloadConverter ?? defaultPayloadConverter).fromPayload<T>(decoded[0]!);
}

/**
 * Every payload anywhere in a history (or part of one) run through the codecs, in place: the history as
 * a client without a codec would see an unencrypted one. Plain payloads pass unchanged.
 */
export async function decodeHistoryCodecs<T>(value: T, converter: { payloadCodecs?: PayloadCodec[] } = dataConverter()): Promise<T> {
  const codecs = [...(converter.payloadCodecs ?? [])].reverse();
  if (codecs.length === 0) return value;
  const visit = async (v: unknown): Promise<void> => {
    if (Array.isArray(v)) {
      for (const x of v) await visit(x);
      return;
    }
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return;
    const record = v as Record<string, unknown>;
    const metadata = record.metadata as Record<string, unknown> | null | undefined;
    if (metadata && typeof metadata === 'object' && metadata.encoding instanceof Uint8Array) {
      let decoded = [record as Payload];
      for (const codec of codecs) decoded = await codec.decode(decoded);
      record.metadata = decoded[0]!.metadata;
      record.data = decoded[0]!.data;
      return;
    }
    for (const x of Object.values(record)) await visit(x);
  };
  await visit(value);
  return value;
}
