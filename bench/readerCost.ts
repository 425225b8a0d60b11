// The reader's own cost inside a running process (as in the extension host): inspectFile on one
// checkpoint (median of 5, no hashing), then every tensor's bytes streamed through the core
// without hashing. `node out/bench/readerCost.js FILE` prints one JSON line.
import { inspectFile } from '../src/core/session/inspectFile';
import { FileByteSource } from '../src/core/io/fileByteSource';
import { openCheckpoint } from '../src/core/checkpoint/openCheckpoint';
import { tensorChunks } from '../src/core/torch/tensorBytes';
import { distinctTensors, walkTensors } from '../src/core/torch/tensorWalk';

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

async function inspectMs(file: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    await inspectFile(file);
    times.push(ms(start));
  }
  return times.sort((a, b) => a - b)[2];
}

async function streamGBps(file: string): Promise<number> {
  const source = await FileByteSource.open(file);
  try {
    const start = process.hrtime.bigint();
    const ckpt = await openCheckpoint(source);
    let bytes = 0;
    for (const t of distinctTensors(walkTensors(ckpt.root))) {
      for await (const chunk of tensorChunks(ckpt, t.payload)) bytes += chunk.length;
    }
    return bytes / (ms(start) / 1000) / 1e9;
  } finally {
    await source.close();
  }
}

async function main(file: string): Promise<void> {
  const inspect = await inspectMs(file);
  const gbPerSecond = await streamGBps(file);
  process.stdout.write(`${JSON.stringify({ inspectMs: inspect, gbPerSecond, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

void main(process.argv[2] as string);
