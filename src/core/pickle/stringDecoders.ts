// Bytes to Python strings the ways pickles need: UTF-8 as Python writes it (lone surrogates
// allowed), latin-1, Python 2 `str`, and the two escape codecs of protocol 0's STRING and UNICODE.
// No machine state; a malformed escape is returned as an ArgumentProblem.
import { ArgumentProblem } from './argumentProblem';

// ignoreBOM keeps a leading U+FEFF: it is part of the str, not a byte order mark.
const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes as code points 0-255 (TextDecoder's "latin1" is really windows-1252, so not that). */
export function latin1(data: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i += 8192) {
    s += String.fromCharCode.apply(null, data.subarray(i, Math.min(to, i + 8192)) as unknown as number[]);
  }
  return s;
}

/**
 * The bytes as a string when every one is ASCII (then UTF-8 and latin-1 agree), else undefined.
 * One native call on `buffer` (a Buffer over the pickle), cheaper than TextDecoder for the short
 * keys and names a state dict is made of.
 */
export function asciiText(buffer: Buffer, from: number, to: number): string | undefined {
  for (let i = from; i < to; i++) if (buffer[i] >= 0x80) return undefined;
  return buffer.toString('latin1', from, to);
}

/**
 * UTF-8 as Python writes it for pickles (`surrogatepass`: lone surrogates are allowed), or
 * undefined when the bytes are not that. TextDecoder first: measured faster than a hand-written
 * ASCII loop even for short dict keys.
 */
export function decodeUtf8(data: Uint8Array, from: number, to: number): string | undefined {
  try {
    return utf8Fatal.decode(data.subarray(from, to));
  } catch {
    return decodeUtf8SurrogatePass(data, from, to);
  }
}

function decodeUtf8SurrogatePass(data: Uint8Array, from: number, to: number): string | undefined {
  const units: number[] = [];
  let s = '';
  let i = from;
  while (i < to) {
    const c = data[i];
    let cp: number;
    let len: number;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if (c >= 0xc2 && c < 0xe0) {
      cp = c & 0x1f;
      len = 2;
    } else if (c >= 0xe0 && c < 0xf0) {
      cp = c & 0x0f;
      len = 3;
    } else if (c >= 0xf0 && c < 0xf5) {
      cp = c & 0x07;
      len = 4;
    } else {
      return undefined;
    }
    if (i + len > to) return undefined;
    for (let k = 1; k < len; k++) {
      const b = data[i + k];
      if ((b & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (b & 0x3f);
    }
    // Overlong forms and values past U+10FFFF are invalid; surrogates pass.
    if ((len === 3 && cp < 0x800) || (len === 4 && (cp < 0x10000 || cp > 0x10ffff))) return undefined;
    if (cp >= 0x10000) {
      units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    } else {
      units.push(cp);
    }
    i += len;
    if (units.length >= 8192) {
      s += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  return s + String.fromCharCode.apply(null, units);
}

/** Python 2 `str` (STRING, BINSTRING, SHORT_BINSTRING): UTF-8 when valid, else latin-1, as torch.load. */
export function py2String(bytes: Uint8Array): string {
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    return latin1(bytes, 0, bytes.length);
  }
}

/** Python's `codecs.escape_decode`: the bytes between a protocol 0 STRING argument's quotes. */
export function escapeDecode(data: Uint8Array): Uint8Array | ArgumentProblem {
  const out = new Uint8Array(data.length);
  let n = 0;
  let i = 0;
  const stop = data.length;
  while (i < stop) {
    const c = data[i++];
    if (c !== 0x5c) {
      out[n++] = c;
      continue;
    }
    if (i >= stop) return new ArgumentProblem('a trailing \\ in the string');
    const e = data[i++];
    switch (e) {
      case 0x0a: break; // a backslash-newline continues the line
      case 0x5c: case 0x27: case 0x22: out[n++] = e; break;
      case 0x61: out[n++] = 7; break; // \a
      case 0x62: out[n++] = 8; break; // \b
      case 0x66: out[n++] = 12; break; // \f
      case 0x6e: out[n++] = 10; break; // \n
      case 0x72: out[n++] = 13; break; // \r
      case 0x74: out[n++] = 9; break; // \t
      case 0x76: out[n++] = 11; break; // \v
      case 0x78: { // \xhh
        const h = i + 1 < stop ? hexPair(data[i], data[i + 1]) : -1;
        if (h < 0) return new ArgumentProblem('an invalid \\x escape in the string');
        out[n++] = h;
        i += 2;
        break;
      }
      default:
        if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let k = 0; k < 2 && i < stop && data[i] >= 0x30 && data[i] <= 0x37; k++) v = v * 8 + data[i++] - 0x30;
          out[n++] = v & 0xff;
        } else {
          // Unknown escapes stay as they are, backslash included.
          out[n++] = 0x5c;
          out[n++] = e;
        }
    }
  }
  return out.subarray(0, n);
}

/** Python's `raw-unicode-escape` decoding: a protocol 0 UNICODE argument. */
export function rawUnicodeEscape(data: Uint8Array): string | ArgumentProblem {
  const to = data.length;
  if (data.indexOf(0x5c) < 0) return latin1(data, 0, to);
  const parts: string[] = [];
  let runStart = 0;
  let i = 0;
  while (i < to) {
    if (data[i] !== 0x5c) {
      i++;
      continue;
    }
    // \u and \U are escapes only after an odd number of backslashes.
    let j = i;
    while (j < to && data[j] === 0x5c) j++;
    const odd = (j - i) % 2 === 1;
    if (!odd || j >= to || (data[j] !== 0x75 && data[j] !== 0x55)) {
      i = j;
      continue;
    }
    parts.push(latin1(data, runStart, j - 1));
    const digits = data[j] === 0x75 ? 4 : 8;
    if (j + 1 + digits > to) return new ArgumentProblem('a truncated \\u escape');
    let cp = 0;
    for (let k = j + 1; k < j + 1 + digits; k++) {
      const d = hexDigit(data[k]);
      if (d < 0) return new ArgumentProblem('a truncated \\u escape');
      cp = cp * 16 + d;
    }
    if (cp > 0x10ffff) return new ArgumentProblem('a \\U escape out of range');
    parts.push(String.fromCodePoint(cp));
    i = j + 1 + digits;
    runStart = i;
  }
  parts.push(latin1(data, runStart, to));
  return parts.join('');
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function hexPair(a: number, b: number): number {
  const hi = hexDigit(a);
  const lo = hexDigit(b);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}
