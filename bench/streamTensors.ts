// Reads every tensor's bytes of one checkpoint through the core (no hashing) and reports the
// throughput: `node out/bench/streamTensors.js FILE` prints one JSON line.
import { FileByteSource } from '../src/core/io/fileByteSource';
import { openCheckpoint } from '../src/core/torch/openCheckpoint';
import { tensorChunks } from '../src/core/torch/tensorBytes';
import { distinctTensors, walkTensors } from '../src/core/torch/tensorWalk';

async function main(file: string): Promise<void> {
  const source = await FileByteSource.open(file);
  try {
    const start = process.hrtime.bigint();
    const ckpt = await openCheckpoint(source);
    let bytes = 0;
    for (const t of distinctTensors(walkTensors(ckpt.root))) {
      for await (const chunk of tensorChunks(ckpt, t.payload)) bytes += chunk.length;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    process.stdout.write(`${JSON.stringify({ bytes, seconds, gbPerSecond: bytes / seconds / 1e9, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
  } finally {
    await source.close();
  }
}

void main(process.argv[2] as string);
