import { describe, expect, it } from 'vitest';
import { CappedBuffer } from '../../../src/sandbox/capped-output.js';

const feed = (buffer: CappedBuffer, ...chunks: string[]): CappedBuffer => {
  for (const c of chunks) buffer.push(Buffer.from(c));
  return buffer;
};

describe('CappedBuffer', () => {
  it('keeps everything up to the cap', () => {
    expect(feed(new CappedBuffer(10), 'abc', 'defghij').result()).toEqual({ text: 'abcdefghij', droppedBytes: 0 });
    expect(feed(new CappedBuffer(10)).result()).toEqual({ text: '', droppedBytes: 0 });
  });

  it('keeps the head and tail halves and counts the bytes dropped between them', () => {
    const r = feed(new CappedBuffer(10), 'abcdefghijklmnopqrstuvwxyz').result();
    expect(r).toEqual({ text: 'abcde\n… [16 bytes dropped] …\nvwxyz', droppedBytes: 16 });
  });

  it('gives the same result whatever the chunking', () => {
    const text = 'The quick brown fox jumps over the lazy dog, again and again.';
    const whole = feed(new CappedBuffer(16), text).result();
    const bytes = feed(new CappedBuffer(16), ...text.split('')).result();
    const uneven = feed(new CappedBuffer(16), text.slice(0, 3), text.slice(3, 30), text.slice(30, 31), text.slice(31)).result();
    expect(bytes).toEqual(whole);
    expect(uneven).toEqual(whole);
    expect(whole.text.startsWith('The quic')).toBe(true);
    expect(whole.text.endsWith(' again.')).toBe(true);
    expect(whole.droppedBytes).toBe(text.length - 16);
  });

  it('handles an odd cap and a zero cap', () => {
    expect(feed(new CappedBuffer(5), '0123456789').result()).toEqual({ text: '012\n… [5 bytes dropped] …\n89', droppedBytes: 5 });
    expect(feed(new CappedBuffer(0), 'abc').result()).toEqual({ text: '\n… [3 bytes dropped] …\n', droppedBytes: 3 });
  });

  it('holds bounded memory under a flood and reports the total', () => {
    const buffer = new CappedBuffer(1024);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 80; i++) buffer.push(chunk);
    buffer.push(Buffer.from('END'));
    const r = buffer.result();
    expect(buffer.total).toBe(80 * 64 * 1024 + 3);
    expect(r.droppedBytes).toBe(buffer.total - 1024);
    expect(r.text.endsWith('xEND')).toBe(true);
  });
});
