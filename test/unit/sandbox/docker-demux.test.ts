import { describe, expect, it } from 'vitest';
import { DockerStreamDemuxer } from '../../../src/sandbox/docker.js';

function frame(stream: number, payload: string): Buffer {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function collect(chunks: Buffer[]): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  const demux = new DockerStreamDemuxer((which, chunk) => (out[which] += chunk.toString()));
  for (const chunk of chunks) demux.push(chunk);
  return out;
}

describe('DockerStreamDemuxer', () => {
  const wire = Buffer.concat([frame(1, 'hello '), frame(2, 'oops\n'), frame(1, ''), frame(1, 'world\n'), frame(0, 'stdin?'), frame(2, 'again\n')]);

  it('splits whole frames into stdout and stderr, ignoring other stream ids', () => {
    expect(collect([wire])).toEqual({ stdout: 'hello world\n', stderr: 'oops\nagain\n' });
  });

  it('handles frames and headers cut at every possible byte', () => {
    for (let cut = 1; cut < wire.length; cut++) {
      expect(collect([wire.subarray(0, cut), wire.subarray(cut)])).toEqual({ stdout: 'hello world\n', stderr: 'oops\nagain\n' });
    }
    const bytes = [...wire].map((b) => Buffer.from([b]));
    expect(collect(bytes)).toEqual({ stdout: 'hello world\n', stderr: 'oops\nagain\n' });
  });
});
