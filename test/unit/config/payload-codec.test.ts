import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ENCRYPTED_ENCODING, EncryptionCodec, KEY_ID_METADATA_KEY, isEncrypted, payloadCodecFromEnv, payloadKeyId, payloadKeyringFromEnv,
} from '../../../src/config/payloadCodec.js';
import { decodeHistoryPayload } from '../../../src/config/temporalConnection.js';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const codec = (keys: string, id?: string) => payloadCodecFromEnv({ CRUCIBLE_PAYLOAD_KEYS: keys, ...(id ? { CRUCIBLE_PAYLOAD_KEY_ID: id } : {}) })!;
const text = (p: Payload) => Buffer.from(p.data ?? []).toString('utf8');
const value = { plan: 'train a gradient-boosted model on the breast-cancer features', codeRef: { sha256: 'ab'.repeat(32), bytes: 812 } };

describe('payload encryption codec (AES-256-GCM, key ids)', () => {
  it('round-trips payloads (metadata and data) and hides their content', async () => {
    const c = codec(`k1:${k1}`);
    const plain = [defaultPayloadConverter.toPayload(value), defaultPayloadConverter.toPayload(null), defaultPayloadConverter.toPayload(new Uint8Array([1, 2, 3]))];
    const enc = await c.encode(plain);
    expect(enc).toHaveLength(3);
    for (const p of enc) {
      expect(Buffer.from(p.metadata![METADATA_ENCODING_KEY]!).toString()).toBe(ENCRYPTED_ENCODING);
      expect(Buffer.from(p.metadata![KEY_ID_METADATA_KEY]!).toString()).toBe('k1');
      expect(Object.keys(p.metadata!).sort()).toEqual([METADATA_ENCODING_KEY, KEY_ID_METADATA_KEY].sort());
      expect(isEncrypted(p)).toBe(true);
      expect(payloadKeyId(p)).toBe('k1');
    }
    expect(text(enc[0]!)).not.toContain('breast-cancer');
    expect(text(enc[0]!)).not.toContain('codeRef');
    expect(text(enc[0]!)).not.toContain('json/plain');
    const dec = await c.decode(enc);
    expect(dec.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([value, null, new Uint8Array([1, 2, 3])]);
    expect(Buffer.from(dec[0]!.metadata![METADATA_ENCODING_KEY]!).toString()).toBe('json/plain');
  });

  it('uses a fresh IV per payload: the same value encrypts differently each time', async () => {
    const c = codec(`k1:${k1}`);
    const [a, b] = await c.encode([defaultPayloadConverter.toPayload(value), defaultPayloadConverter.toPayload(value)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(a!.data!.length).toBe(b!.data!.length);
  });

  it('passes plain payloads through decode unchanged (runs started before encryption was on)', async () => {
    const c = codec(`k1:${k1}`);
    const plain = defaultPayloadConverter.toPayload(value);
    const [out] = await c.decode([plain]);
    expect(out).toBe(plain);
    expect(payloadKeyId(plain)).toBeNull();
  });

  it('rotates: a new key encrypts, old payloads still decrypt with the old key', async () => {
    const old = await codec(`k1:${k1}`).encode([defaultPayloadConverter.toPayload('from k1')]);
    const rotated = codec(`k2:${k2},k1:${k1}`);
    expect(rotated.activeKeyId).toBe('k2');
    const fresh = await rotated.encode([defaultPayloadConverter.toPayload('from k2')]);
    expect(payloadKeyId(fresh[0]!)).toBe('k2');
    const dec = await rotated.decode([...old, ...fresh]);
    expect(dec.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['from k1', 'from k2']);
    // CRUCIBLE_PAYLOAD_KEY_ID picks another listed key for encryption.
    expect(codec(`k2:${k2},k1:${k1}`, 'k1').activeKeyId).toBe('k1');
  });

  it('names the key id and the variable when a payload needs a key it does not hold', async () => {
    const enc = await codec(`k1:${k1}`).encode([defaultPayloadConverter.toPayload(value)]);
    await expect(codec(`k2:${k2}`).decode(enc)).rejects.toThrow(/key id "k1", which CRUCIBLE_PAYLOAD_KEYS does not hold/);
  });

  it('fails on tampered data, a wrong key under the same id, or a changed key id (GCM authentication)', async () => {
    const c = codec(`k1:${k1}`);
    const [p] = await c.encode([defaultPayloadConverter.toPayload(value)]);
    const flipped = Buffer.from(p!.data!);
    flipped[20] = flipped[20]! ^ 0x01;
    await expect(c.decode([{ ...p, data: flipped }])).rejects.toThrow(/key id "k1" does not decrypt/);
    const truncated = Buffer.from(p!.data!).subarray(0, p!.data!.length - 1);
    await expect(c.decode([{ ...p, data: truncated }])).rejects.toThrow(/does not decrypt/);
    await expect(codec(`k1:${k2}`).decode([p!])).rejects.toThrow(/does not decrypt/);
    // The key id is authenticated: relabelling a k1 payload as k2 (both keys held) fails.
    const both = codec(`k1:${k1},k2:${k1}`);
    const relabelled = { ...p, metadata: { ...p!.metadata, [KEY_ID_METADATA_KEY]: Buffer.from('k2') } };
    await expect(both.decode([relabelled])).rejects.toThrow(/does not decrypt/);
    await expect(c.decode([{ ...p, data: new Uint8Array(5) }])).rejects.toThrow(/too short/);
  });

  it('is off when CRUCIBLE_PAYLOAD_KEYS is unset or empty', () => {
    expect(payloadCodecFromEnv({})).toBeNull();
    expect(payloadCodecFromEnv({ CRUCIBLE_PAYLOAD_KEYS: '  ' })).toBeNull();
  });

  it('rejects bad key settings, naming the variable and never the key material', () => {
    const short = randomBytes(16).toString('base64');
    const cases: [Record<string, string>, RegExp][] = [
      [{ CRUCIBLE_PAYLOAD_KEYS: k1 }, /CRUCIBLE_PAYLOAD_KEYS: entry 1 is not keyId:base64key/],
      [{ CRUCIBLE_PAYLOAD_KEYS: `k1:${k1},k1:${k2}` }, /CRUCIBLE_PAYLOAD_KEYS: key id "k1" appears more than once/],
      [{ CRUCIBLE_PAYLOAD_KEYS: 'k1:not*base64!' }, /CRUCIBLE_PAYLOAD_KEYS: the key of "k1" is not valid base64/],
      [{ CRUCIBLE_PAYLOAD_KEYS: `k1:${short}` }, /CRUCIBLE_PAYLOAD_KEYS: the key of "k1" is 16 bytes; AES-256 needs 32/],
      [{ CRUCIBLE_PAYLOAD_KEYS: `bad id:${k1}` }, /CRUCIBLE_PAYLOAD_KEYS: entry 1 has an invalid key id/],
      [{ CRUCIBLE_PAYLOAD_KEYS: `:${k1}` }, /CRUCIBLE_PAYLOAD_KEYS: entry 1 has an invalid key id/],
      [{ CRUCIBLE_PAYLOAD_KEYS: ',' }, /CRUCIBLE_PAYLOAD_KEYS is set but holds no/],
      [{ CRUCIBLE_PAYLOAD_KEYS: `k1:${k1}`, CRUCIBLE_PAYLOAD_KEY_ID: 'k9' }, /CRUCIBLE_PAYLOAD_KEY_ID is "k9", which CRUCIBLE_PAYLOAD_KEYS does not hold/],
      [{ CRUCIBLE_PAYLOAD_KEY_ID: 'k1' }, /CRUCIBLE_PAYLOAD_KEY_ID is set .* but CRUCIBLE_PAYLOAD_KEYS holds no keys/],
    ];
    for (const [env, message] of cases) {
      let err: Error | undefined;
      try {
        payloadKeyringFromEnv(env);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message, JSON.stringify(Object.keys(env))).toMatch(message);
      expect(err!.message).not.toContain(k1);
      expect(err!.message).not.toContain(k2);
      expect(err!.message).not.toContain(short);
    }
  });

  it('never prints key material (inspect or JSON of the codec and keyring)', () => {
    const raw = randomBytes(32);
    const b64 = raw.toString('base64');
    const c = codec(`k1:${b64}`);
    const keyring = payloadKeyringFromEnv({ CRUCIBLE_PAYLOAD_KEYS: `k1:${b64}` })!;
    const hex = raw.toString('hex');
    for (const shown of [inspect(c, { depth: 10, showHidden: true }), JSON.stringify(c), inspect(keyring, { depth: 10 }), JSON.stringify(keyring)]) {
      expect(shown).not.toContain(b64);
      expect(shown).not.toContain(hex);
    }
    expect(c).toBeInstanceOf(EncryptionCodec);
  });

  it('decodeHistoryPayload reads an encrypted or a plain history payload as a value', async () => {
    const c = codec(`k1:${k1}`);
    const [enc] = await c.encode([defaultPayloadConverter.toPayload(value)]);
    expect(await decodeHistoryPayload(enc!, { payloadCodecs: [c] })).toEqual(value);
    expect(await decodeHistoryPayload(defaultPayloadConverter.toPayload(value), { payloadCodecs: [c] })).toEqual(value);
    expect(await decodeHistoryPayload(defaultPayloadConverter.toPayload(value), {})).toEqual(value);
    await expect(decodeHistoryPayload(enc!, {})).rejects.toThrow(/binary\/encrypted/);
  });
});
