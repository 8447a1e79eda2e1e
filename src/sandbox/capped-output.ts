import type { CappedOutput } from './types.js';

/**
 * Keeps the first and last maxBytes/2 bytes of a stream while it flows, so a solution that floods
 * its output costs bounded memory. Shared by every executor.
 */
export class CappedBuffer {
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  /** Newest chunks; trimmed from the front whenever they exceed tailLimit. */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private totalBytes = 0;

  constructor(maxBytes: number) {
    this.headLimit = Math.ceil(Math.max(0, maxBytes) / 2);
    this.tailLimit = Math.floor(Math.max(0, maxBytes) / 2);
  }

  push(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    let rest = chunk;
    if (this.headBytes < this.headLimit) {
      const take = Math.min(this.headLimit - this.headBytes, rest.length);
      this.head.push(rest.subarray(0, take));
      this.headBytes += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0 || this.tailLimit === 0) return;
    if (rest.length >= this.tailLimit) {
      // Copy: a subarray would pin the whole (possibly large) chunk in memory.
      this.tail = [Buffer.from(rest.subarray(rest.length - this.tailLimit))];
      this.tailBytes = this.tailLimit;
      return;
    }
    this.tail.push(rest);
    this.tailBytes += rest.length;
    while (this.tailBytes > this.tailLimit) {
      const first = this.tail[0] as Buffer;
      const excess = this.tailBytes - this.tailLimit;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
      }
    }
  }

  /** Bytes seen so far, kept or not. */
  get total(): number {
    return this.totalBytes;
  }

  result(): CappedOutput {
    const dropped = this.totalBytes - this.headBytes - this.tailBytes;
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    // A cut can split a multi-byte character; it decodes as U+FFFD, which is acceptable in a log.
    if (dropped === 0) return { text: head + tail, droppedBytes: 0 };
    return { text: `${head}\n… [${dropped} bytes dropped] …\n${tail}`, droppedBytes: dropped };
  }
}
