// Read buffers placed so that a read's destination sits at the same offset within a 4 KiB page as
// its source in the file. The kernel copies a read out of the page cache with `rep movsb`; on this
// machine's AMD cores that copy ran about 3x slower (system time) when the destination was 8 to 24
// bytes past the source modulo 4 KiB, as it is for a file offset on a page boundary read into a
// malloc'd buffer (which starts 16 bytes into a page). A WebAssembly.Memory starts on a page, so
// where a view lies within a page is known here, which it is not for a Buffer (used only where
// there is no WebAssembly).

const PAGE = 4096;
const WASM_PAGE = 64 * 1024;

/** What is used of the WebAssembly global, whose types come with the DOM library the core leaves out. */
interface WasmMemoryApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

function pageAligned(bytes: number): ArrayBuffer {
  const api = (globalThis as { WebAssembly?: WasmMemoryApi }).WebAssembly;
  return api ? new api.Memory({ initial: Math.ceil(bytes / WASM_PAGE) }).buffer : Buffer.allocUnsafeSlow(bytes).buffer;
}

/**
 * `regions` buffers of `capacity` bytes each, from which views congruent to a file offset are
 * taken. They share one memory: each WebAssembly.Memory reserves gigabytes of address space.
 */
export class CongruentBuffer {
  private readonly bytes: ArrayBuffer;
  /** Bytes from one region's start to the next's: a whole number of pages. */
  private readonly stride: number;

  constructor(
    readonly capacity: number,
    readonly regions = 1,
  ) {
    this.stride = Math.ceil((capacity + PAGE) / PAGE) * PAGE;
    this.bytes = pageAligned(this.stride * regions);
  }

  /** `length` (at most `capacity`) bytes of region `region` to read the file's bytes from `fileOffset` into. */
  viewFor(fileOffset: number, length: number, region = 0): Uint8Array {
    if (length > this.capacity) throw new RangeError(`A view of ${length} bytes is more than the buffer's ${this.capacity}.`);
    if (!Number.isInteger(region) || region < 0 || region >= this.regions) throw new RangeError(`No region ${region} in ${this.regions}.`);
    return new Uint8Array(this.bytes, region * this.stride + (fileOffset % PAGE), length);
  }
}
