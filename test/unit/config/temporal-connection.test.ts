import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptionCodec } from '../../../src/config/payloadCodec.js';
import {
  clientConnectionOptions, dataConverter, describeTemporal, nativeConnectionOptions, temporalNamespace, temporalSettings,
} from '../../../src/config/temporalConnection.js';

let dir: string;
let ca: string;
let cert: string;
let key: string;
const KEY = 'tmprl-secret-api-key-123';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'crucible-tls-opts-'));
  [ca, cert, key] = ['ca.pem', 'client.pem', 'client.key'].map((f) => path.join(dir, f)) as [string, string, string];
  await writeFile(ca, 'CA PEM');
  await writeFile(cert, 'CERT PEM');
  await writeFile(key, 'KEY PEM');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const str = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString() : undefined);

describe('Temporal connection options from the environment', () => {
  it('defaults to a plain connection to localhost:7233, namespace default, no codec', () => {
    // The reconnect backoff is capped, so a client that lost a restarting server sees it back within seconds.
    expect(clientConnectionOptions({ env: {} })).toEqual({ address: 'localhost:7233', tls: false, channelArgs: { 'grpc.max_reconnect_backoff_ms': 5000 } });
    expect(nativeConnectionOptions({ env: {} })).toEqual({ address: 'localhost:7233', tls: false });
    expect(temporalNamespace({})).toBe('default');
    expect(dataConverter({})).toEqual({});
    expect(describeTemporal(temporalSettings({ env: {} }))).toBe('localhost:7233');
  });

  it('takes address and namespace; an explicit address wins over TEMPORAL_ADDRESS', () => {
    const env = { TEMPORAL_ADDRESS: 'temporal.example:7233', TEMPORAL_NAMESPACE: 'research' };
    expect(clientConnectionOptions({ env, connectTimeout: 2000 })).toEqual({ address: 'temporal.example:7233', tls: false, connectTimeout: 2000, channelArgs: { 'grpc.max_reconnect_backoff_ms': 5000 } });
    expect(nativeConnectionOptions({ env, address: 'localhost:9999' }).address).toBe('localhost:9999');
    expect(temporalSettings({ env }).namespace).toBe('research');
  });

  it('TEMPORAL_TLS=1: TLS with the system roots', () => {
    expect(clientConnectionOptions({ env: { TEMPORAL_TLS: '1' } }).tls).toEqual({});
    expect(nativeConnectionOptions({ env: { TEMPORAL_TLS: 'true' } }).tls).toEqual({});
    expect(clientConnectionOptions({ env: { TEMPORAL_TLS: '0' } }).tls).toBe(false);
    expect(() => temporalSettings({ env: { TEMPORAL_TLS: 'maybe' } })).toThrow(/TEMPORAL_TLS must be 1\/true or 0\/false/);
  });

  it('reads the CA, the client certificate pair and the server name (mTLS) into both connection kinds', () => {
    const env = { TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key, TEMPORAL_TLS_SERVER_NAME: 'frontend.internal' };
    for (const opts of [clientConnectionOptions({ env }), nativeConnectionOptions({ env })]) {
      const tls = opts.tls as { serverRootCACertificate?: Uint8Array; clientCertPair?: { crt: Uint8Array; key: Uint8Array }; serverNameOverride?: string };
      expect(str(tls.serverRootCACertificate)).toBe('CA PEM');
      expect(str(tls.clientCertPair?.crt)).toBe('CERT PEM');
      expect(str(tls.clientCertPair?.key)).toBe('KEY PEM');
      expect(tls.serverNameOverride).toBe('frontend.internal');
    }
    expect(describeTemporal(temporalSettings({ env }))).toBe(
      'localhost:7233 (TLS: CA from TEMPORAL_TLS_CA, client certificate from TEMPORAL_TLS_CERT, server name frontend.internal)');
  });

  it("accepts Temporal's own variable names (TEMPORAL_TLS_*_PATH) too", () => {
    const env = { TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca, TEMPORAL_TLS_CLIENT_CERT_PATH: cert, TEMPORAL_TLS_CLIENT_KEY_PATH: key };
    const tls = clientConnectionOptions({ env }).tls as { serverRootCACertificate?: Uint8Array; clientCertPair?: { crt: Uint8Array } };
    expect(str(tls.serverRootCACertificate)).toBe('CA PEM');
    expect(str(tls.clientCertPair?.crt)).toBe('CERT PEM');
    expect(() => temporalSettings({ env: { TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_SERVER_CA_CERT_PATH: cert } }))
      .toThrow(/TEMPORAL_TLS_CA and TEMPORAL_TLS_SERVER_CA_CERT_PATH name different files/);
  });

  it('an API key implies TLS, is passed as apiKey, and is never in a description', () => {
    const env = { TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: KEY };
    expect(clientConnectionOptions({ env })).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: KEY, channelArgs: { 'grpc.max_reconnect_backoff_ms': 5000 } });
    expect(nativeConnectionOptions({ env })).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: KEY });
    const described = describeTemporal(temporalSettings({ env }));
    expect(described).toBe('ns.acct.tmprl.cloud:7233 (namespace ns.acct; TLS with the system roots; API key from TEMPORAL_API_KEY)');
    expect(described).not.toContain(KEY);
    // Explicitly off (a local TLS-terminating proxy, say): the key still goes as a header.
    expect(clientConnectionOptions({ env: { ...env, TEMPORAL_TLS: '0' } })).toMatchObject({ tls: false, apiKey: KEY });
  });

  it('explains bad TLS settings, naming the variables and paths', () => {
    expect(() => temporalSettings({ env: { TEMPORAL_TLS_CERT: cert } }))
      .toThrow('TEMPORAL_TLS_CERT is set but TEMPORAL_TLS_KEY is not: mTLS needs the client certificate and its key (TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY)');
    expect(() => temporalSettings({ env: { TEMPORAL_TLS_KEY: key } })).toThrow(/TEMPORAL_TLS_KEY is set but TEMPORAL_TLS_CERT is not/);
    const missing = path.join(dir, 'nope.pem');
    expect(() => temporalSettings({ env: { TEMPORAL_TLS_CA: missing } })).toThrow(`TEMPORAL_TLS_CA: cannot read ${missing} (ENOENT)`);
    expect(() => temporalSettings({ env: { TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: dir } })).toThrow(`TEMPORAL_TLS_KEY: cannot read ${dir} (EISDIR)`);
    expect(() => temporalSettings({ env: { TEMPORAL_TLS: '0', TEMPORAL_TLS_CA: ca } })).toThrow(/TEMPORAL_TLS is off but TLS settings are given/);
  });

  it('the data converter encrypts when CRUCIBLE_PAYLOAD_KEYS is set', () => {
    const env = { CRUCIBLE_PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` };
    const dc = dataConverter(env);
    expect(dc.payloadCodecs).toHaveLength(1);
    expect(dc.payloadCodecs![0]).toBeInstanceOf(EncryptionCodec);
    expect(describeTemporal(temporalSettings({ env }))).toBe('localhost:7233 (encrypted payloads)');
  });
});
