/**
 * Optional payload encryption for Temporal: AES-256-GCM over every payload a client or worker sends
 * (workflow and activity inputs and results, heartbeat details, memos, UI summaries), so that history
 * on a shared cluster holds no readable code, plans or outputs. The codec runs in clients and workers
 * only, never in the workflow sandbox: workers decode activations before the workflow sees them.
 *
 * Keys come from the environment:
 *   CRUCIBLE_PAYLOAD_KEYS   = keyId:base64key[,keyId:base64key...]   (32-byte keys: `openssl rand -base64 32`)
 *   CRUCIBLE_PAYLOAD_KEY_ID = the id that encrypts (default: the first listed)
 * Rotation: put a new key first (or name it in CRUCIBLE_PAYLOAD_KEY_ID) and keep the old ones listed:
 * new payloads use the new key, payloads already in history still decrypt with theirs.
 *
 * An encrypted payload: metadata `encoding: binary/encrypted`, `encryption-key-id: <id>`; data =
 * iv (12 bytes) + ciphertext + GCM tag (16 bytes), where the plaintext is the whole original Payload
 * (metadata and data) serialised as protobuf and the key id is bound as additional authenticated data.
 * Payloads without that encoding pass through decode unchanged (a run started before encryption was
 * enabled keeps working).
 */
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA_KEY = 'encryption-key-id';
export const PAYLOAD_KEYS_ENV = 'CRUCIBLE_PAYLOAD_KEYS';
export const PAYLOAD_KEY_ID_ENV = 'CRUCIBLE_PAYLOAD_KEY_ID';

// A CommonJS package: under Node's ESM loader only its default export is importable by name.
const { temporal } = proto;

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const utf8 = (s: string) => new TextEncoder().encode(s);
const fromUtf8 = (b: Uint8Array) => new TextDecoder().decode(b);

/** A keyring: the id that encrypts, and every key that may decrypt. Key material is never printed. */
export interface PayloadKeyring {
  activeKeyId: string;
  keys: ReadonlyMap<string, KeyObject>;
}

/** The keyring the environment names, or null when CRUCIBLE_PAYLOAD_KEYS is unset or empty (encryption off). */
export function payloadKeyringFromEnv(env: NodeJS.ProcessEnv = process.env): PayloadKeyring | null {
  const raw = env[PAYLOAD_KEYS_ENV]?.trim();
  const chosen = env[PAYLOAD_KEY_ID_ENV]?.trim();
  if (!raw) {
    if (chosen) throw new Error(`${PAYLOAD_KEY_ID_ENV} is set ("${chosen}") but ${PAYLOAD_KEYS_ENV} holds no keys`);
    return null;
  }
  const keys = new Map<string, KeyObject>();
  const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    // Never quote the entry itself: it holds key material.
    if (colon < 0) throw new Error(`${PAYLOAD_KEYS_ENV}: entry ${i + 1} is not keyId:base64key`);
    const id = entry.slice(0, colon).trim();
    const b64 = entry.slice(colon + 1).trim();
    if (!KEY_ID_PATTERN.test(id)) {
      throw new Error(`${PAYLOAD_KEYS_ENV}: entry ${i + 1} has an invalid key id (1–64 of letters, digits, '.', '_', '-')`);
    }
    if (keys.has(id)) throw new Error(`${PAYLOAD_KEYS_ENV}: key id "${id}" appears more than once`);
    if (!BASE64_PATTERN.test(b64)) throw new Error(`${PAYLOAD_KEYS_ENV}: the key of "${id}" is not valid base64`);
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length !== KEY_BYTES) {
      throw new Error(`${PAYLOAD_KEYS_ENV}: the key of "${id}" is ${bytes.length} bytes; AES-256 needs ${KEY_BYTES} (make one with \`openssl rand -base64 32\`)`);
    }
    keys.set(id, createSecretKey(bytes));
    bytes.fill(0);
  });
  if (keys.size === 0) throw new Error(`${PAYLOAD_KEYS_ENV} is set but holds no keyId:base64key entries`);
  const activeKeyId = chosen || keys.keys().next().value!;
  if (!keys.has(activeKeyId)) {
    throw new Error(`${PAYLOAD_KEY_ID_ENV} is "${activeKeyId}", which ${PAYLOAD_KEYS_ENV} does not hold (it holds ${[...keys.keys()].map((k) => `"${k}"`).join(', ')})`);
  }
  return { activeKeyId, keys };
}

/** AES-256-GCM payload codec with key ids (for rotation). */
export class EncryptionCodec implements PayloadCodec {
  readonly #keyring: PayloadKeyring;

  constructor(keyring: PayloadKeyring) {
    if (!keyring.keys.has(keyring.activeKeyId)) throw new Error(`the active key id "${keyring.activeKeyId}" is not in the keyring`);
    this.#keyring = keyring;
  }

  /** The id new payloads are encrypted with. */
  get activeKeyId(): string {
    return this.#keyring.activeKeyId;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const id = this.#keyring.activeKeyId;
    const key = this.#keyring.keys.get(id)!;
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(id, 'utf8'));
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA_KEY]: utf8(id) },
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!isEncrypted(payload)) return payload;
      const idBytes = payload.metadata?.[KEY_ID_METADATA_KEY];
      if (!idBytes) throw new Error(`an encrypted payload (${ENCRYPTED_ENCODING}) has no ${KEY_ID_METADATA_KEY} in its metadata`);
      const id = fromUtf8(idBytes);
      const key = this.#keyring.keys.get(id);
      if (!key) {
        throw new Error(`a payload is encrypted with key id "${id}", which ${PAYLOAD_KEYS_ENV} does not hold: add that key (${id}:<base64>) to ${PAYLOAD_KEYS_ENV}`);
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error(`an encrypted payload (key id "${id}") is too short to be one`);
      const decipher = createDecipheriv(ALGORITHM, key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(id, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new Error(`a payload encrypted with key id "${id}" does not decrypt: the key under that id in ${PAYLOAD_KEYS_ENV} is not the one it was encrypted with, or the payload was altered`);
      }
      const inner = temporal.api.common.v1.Payload.decode(plain);
      return { metadata: { ...inner.metadata }, data: inner.data };
    });
  }
}

/** Whether a payload is one this codec encrypted. */
export function isEncrypted(payload: Payload): boolean {
  const enc = payload.metadata?.[METADATA_ENCODING_KEY];
  return enc !== undefined && enc !== null && fromUtf8(enc) === ENCRYPTED_ENCODING;
}

/** The key id an encrypted payload names, or null for a plain payload. */
export function payloadKeyId(payload: Payload): string | null {
  const id = payload.metadata?.[KEY_ID_METADATA_KEY];
  return isEncrypted(payload) && id ? fromUtf8(id) : null;
}

/** The codec the environment configures, or null when encryption is off. */
export function payloadCodecFromEnv(env: NodeJS.ProcessEnv = process.env): EncryptionCodec | null {
  const keyring = payloadKeyringFromEnv(env);
  return keyring ? new EncryptionCodec(keyring) : null;
}
