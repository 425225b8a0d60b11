// The files the fuzz suite mutates: every checkpoint, pickle, safetensors and zip fixture under
// test/fixtures, with the pickle and the records of each zip taken out once, for the cases that
// rebuild an archive around a changed pickle.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BufferByteSource } from '../../src/core/io/bufferByteSource';
import { ZipArchive } from '../../src/core/zip/zipArchive';
import type { ZipRecord } from './zipBytes';

export interface CorpusFile {
  name: string;
  bytes: Uint8Array;
  kind: 'zip' | 'pickle' | 'safetensors' | 'other';
  /** The pickle: data.pkl of a torch zip, the whole file of a plain pickle. */
  pickle?: Uint8Array;
  /** A zip's records, in order, when they could be read (for rebuilding it). */
  records?: ZipRecord[];
  /** Where data.pkl is among `records`. */
  pickleIndex?: number;
}

const EXTENSIONS = /\.(pt|pth|ckpt|bin|safetensors|pkl|pickle|zip)$/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? files(path) : EXTENSIONS.test(e.name) && statSync(path).size > 0 ? [path] : [];
  });
}

async function zipParts(bytes: Uint8Array): Promise<Pick<CorpusFile, 'records' | 'pickle' | 'pickleIndex'>> {
  try {
    const archive = await ZipArchive.open(new BufferByteSource(bytes));
    const records: ZipRecord[] = [];
    for (const e of archive.entries) records.push({ name: e.name, data: Uint8Array.from(await archive.readEntry(e)) });
    const pickleIndex = records.findIndex((r) => r.name.endsWith('data.pkl'));
    return pickleIndex < 0 ? { records } : { records, pickle: records[pickleIndex].data, pickleIndex };
  } catch {
    return {}; // a broken fixture: mutated as bytes only
  }
}

export async function loadCorpus(root: string): Promise<CorpusFile[]> {
  const out: CorpusFile[] = [];
  for (const path of files(root).sort()) {
    const bytes = new Uint8Array(readFileSync(path));
    const name = relative(root, path);
    const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
    if (zip) out.push({ name, bytes, kind: 'zip', ...(await zipParts(bytes)) });
    else if (/\.(pkl|pickle)$/.test(name)) out.push({ name, bytes, kind: 'pickle', pickle: bytes });
    else out.push({ name, bytes, kind: name.endsWith('.safetensors') ? 'safetensors' : 'other' });
  }
  return out;
}
