/**
 * TLS, mTLS and API-key connections through config/temporalConnection.ts, against a real TLS endpoint:
 * the dev server has no TLS flags, so the test puts a TLS-terminating gRPC (HTTP/2) proxy in front of
 * it, with a throw-away CA and certificates made by openssl. The proxy requires a client certificate
 * signed by that CA (mTLS) and records the Authorization header of every call (the API key).
 * Both connection kinds are checked: the CLI's `Connection` (grpc-js) and the workers' `NativeConnection` (Rust core).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectNativeConnection, connectTemporalClient } from '../../src/config/temporalConnection.js';
import { installRuntime } from '../../src/workers/logging.js';
import { startHarness } from '../helpers/harness.js';

const API_KEY = 'test-api-key-not-a-real-one';

/** A CA, a server certificate for localhost and temporal.test (not 127.0.0.1), and a client certificate. */
function makeCertificates(dir: string) {
  const f = (name: string) => path.join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '1', '-subj', '/CN=crucible test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const leaf = (name: string, ext: string) => {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${name}`);
    execFileSync('sh', ['-c', `printf '%s\\n' "${ext}" > ${name}.ext`], { cwd: dir });
    ssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${name}.pem`),
      '-days', '1', '-extfile', f(`${name}.ext`));
  };
  leaf('server', 'subjectAltName=DNS:localhost,DNS:temporal.test\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth');
  leaf('client', 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth');
  return { ca: f('ca.pem'), serverCert: f('server.pem'), serverKey: f('server.key'), clientCert: f('client.pem'), clientKey: f('client.key') };
}

/** TLS (h2, client certificate required) in front of the plain dev server; every stream forwarded as is. */
async function startTlsProxy(opts: { upstream: string; cert: Buffer; key: Buffer; ca: Buffer }) {
  const upstream = http2.connect(`http://${opts.upstream}`);
  upstream.on('error', () => undefined);
  const authorizations: (string | undefined)[] = [];
  const server = http2.createSecureServer({ cert: opts.cert, key: opts.key, ca: opts.ca, requestCert: true, rejectUnauthorized: true, allowHTTP1: false });
  server.on('stream', (stream, headers) => {
    authorizations.push(headers.authorization as string | undefined);
    const forward = { ...headers };
    for (const k of Object.keys(forward)) if (k.startsWith(':') && ![':method', ':path', ':scheme', ':authority'].includes(k)) delete forward[k];
    const up = upstream.request(forward, { endStream: false });
    let trailers: http2.OutgoingHttpHeaders = {};
    up.on('response', (h, flags) => {
      // flags & 1: END_STREAM on the headers (a trailers-only response, e.g. a gRPC error).
      if (flags & 1) stream.respond(h, { endStream: true });
      else stream.respond(h, { waitForTrailers: true });
    });
    up.on('trailers', (t) => { trailers = t; });
    stream.on('wantTrailers', () => stream.sendTrailers(trailers));
    stream.pipe(up);
    up.pipe(stream);
    up.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    stream.on('error', () => up.close(http2.constants.NGHTTP2_CANCEL));
    stream.on('close', () => { if (!up.closed) up.close(http2.constants.NGHTTP2_CANCEL); });
  });
  server.on('sessionError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    authorizations,
    close: async () => {
      upstream.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('TLS, mTLS and API key (a TLS-terminating proxy in front of the dev server)', () => {
  let dir: string;
  let certs: ReturnType<typeof makeCertificates>;
  let proxy: Awaited<ReturnType<typeof startTlsProxy>>;
  let mtlsEnv: Record<string, string>;

  beforeAll(async () => {
    installRuntime();
    dir = await mkdtemp(path.join(os.tmpdir(), 'crucible-tls-'));
    certs = makeCertificates(dir);
    proxy = await startTlsProxy({
      upstream: inject('temporalAddress'), cert: await readFile(certs.serverCert), key: await readFile(certs.serverKey), ca: await readFile(certs.ca),
    });
    mtlsEnv = {
      TEMPORAL_ADDRESS: `localhost:${proxy.port}`, TEMPORAL_TLS_CA: certs.ca, TEMPORAL_TLS_CERT: certs.clientCert, TEMPORAL_TLS_KEY: certs.clientKey,
    };
  });
  afterAll(async () => {
    await proxy?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a client (Connection) and a worker connection (NativeConnection) connect with mTLS and the API key', async () => {
    const env = { ...mtlsEnv, TEMPORAL_API_KEY: API_KEY };
    const client = await connectTemporalClient({ env });
    try {
      const info = await client.workflowService.getSystemInfo({});
      expect(info.capabilities).toBeTruthy();
    } finally {
      await client.connection.close();
    }
    const native = await connectNativeConnection({ env });
    await native.close();
    expect(proxy.authorizations.length).toBeGreaterThan(1);
    expect(new Set(proxy.authorizations)).toEqual(new Set([`Bearer ${API_KEY}`]));
  });

  it('a real agent run through the TLS endpoint: workers and client both over mTLS', async () => {
    const h = await startHarness({ name: 'tls', temporal: mtlsEnv });
    try {
      const summary = await h.runAgent(await h.input({ steps: '1', seed: '1' }));
      expect(summary.nodes).toBe(1);
    } finally {
      await h.close();
    }
  });

  it('TEMPORAL_TLS_SERVER_NAME: a certificate not naming the address host is accepted under the name it does carry', async () => {
    const byIp = { ...mtlsEnv, TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}` };
    await expect(connectTemporalClient({ env: byIp, connectTimeout: 3000 })).rejects.toThrow(/no Temporal server answers at 127\.0\.0\.1:\d+ \(TLS:/);
    const named = { ...byIp, TEMPORAL_TLS_SERVER_NAME: 'temporal.test' };
    const client = await connectTemporalClient({ env: named });
    await client.connection.close();
    const native = await connectNativeConnection({ env: named });
    await native.close();
  });

  it('fails clearly without the client certificate, without the CA, and with TLS against a plain server', async () => {
    const noCert = { TEMPORAL_ADDRESS: mtlsEnv.TEMPORAL_ADDRESS!, TEMPORAL_TLS_CA: certs.ca };
    await expect(connectTemporalClient({ env: noCert, connectTimeout: 3000 }))
      .rejects.toThrow(new RegExp(`no Temporal server answers at localhost:${proxy.port} \\(TLS: CA from TEMPORAL_TLS_CA\\)`));
    await expect(connectNativeConnection({ env: noCert })).rejects.toThrow(/TLS is on/);
    const noCa = { ...mtlsEnv, TEMPORAL_TLS_CA: '' };
    await expect(connectTemporalClient({ env: noCa, connectTimeout: 3000 })).rejects.toThrow(/\(TLS: client certificate from TEMPORAL_TLS_CERT\).*TLS is on/s);
    const plainServer = { TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TLS: '1' };
    const err = await connectTemporalClient({ env: plainServer, connectTimeout: 3000 }).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toContain(`no Temporal server answers at ${inject('temporalAddress')} (TLS with the system roots)`);
    expect(err?.message).toContain('set TEMPORAL_TLS=0 for a plain server');
    await expect(connectNativeConnection({ env: plainServer })).rejects.toThrow(/TLS with the system roots.*TLS is on/s);
  });

  it('never puts the API key in an error message', async () => {
    const env = { TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TLS: '1', TEMPORAL_API_KEY: API_KEY };
    const err = await connectTemporalClient({ env, connectTimeout: 3000 }).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toContain('API key from TEMPORAL_API_KEY');
    expect(err?.message).not.toContain(API_KEY);
    const native = await connectNativeConnection({ env }).then(() => null, (e: unknown) => e as Error);
    expect(native?.message).toContain('API key from TEMPORAL_API_KEY');
    expect(native?.message).not.toContain(API_KEY);
  });
});
