// The arguments of protocol 0's text opcodes, which end at a newline: INT, LONG, FLOAT, PUT/GET
// memo indices, STRING and UNICODE. Each parser takes the text (or bytes) without the newline and
// returns the value, or an ArgumentProblem for the unpickler to report with the opcode's offset.
import { ArgumentProblem } from './argumentProblem';
import { escapeDecode, py2String, rawUnicodeEscape } from './stringDecoders';

/** Integers longer than this (LONG4, or text) are refused: no checkpoint needs one, and parsing is slow. */
export const MAX_LONG_BYTES = 1 << 20;
/** CPython refuses decimal text over 4300 digits by default; allow more, but stay linear-ish. */
const MAX_DECIMAL_DIGITS = 10_000;

/** Protocol 0 ints: what Python's `int(text, 0)` accepts, as far as pickles use it. */
function intText(text: string): bigint | ArgumentProblem {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)\s*$/.exec(text);
  if (!m) return new ArgumentProblem(`"${text.slice(0, 40)}" is not an integer`);
  const body = m[2].replace(/_/g, '');
  const decimal = !/^0[xXoObB]/.test(body);
  if (decimal && body.length > MAX_DECIMAL_DIGITS) return new ArgumentProblem(`an integer of ${body.length} digits`, true);
  if (!decimal && body.length > 2 * MAX_LONG_BYTES) return new ArgumentProblem(`an integer of ${body.length} digits`, true);
  let v: bigint;
  try {
    v = BigInt(body);
  } catch {
    return new ArgumentProblem(`"${text.slice(0, 40)}" is not an integer`);
  }
  return m[1] === '-' ? -v : v;
}

/** INT: an integer, or a boolean, which protocol 0 writes as `01` / `00`. */
export function intArgument(text: string): bigint | boolean | ArgumentProblem {
  if (text === '01') return true;
  if (text === '00') return false;
  return intText(text);
}

/** LONG: an integer, with the `L` Python 2 put after it. */
export function longArgument(text: string): bigint | ArgumentProblem {
  return intText(text.endsWith('L') ? text.slice(0, -1) : text);
}

/** FLOAT: what Python's `float(text)` accepts, including nan and inf. */
export function floatArgument(text: string): number | ArgumentProblem {
  const t = text.trim().toLowerCase();
  const special = /^([+-]?)(inf|infinity|nan)$/.exec(t);
  if (special) {
    if (special[2] === 'nan') return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  const plain = t.replace(/(?<=\d)_(?=\d)/g, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(plain)) return new ArgumentProblem(`"${text.slice(0, 40)}" is not a float`);
  return Number(plain);
}

/** PUT and GET: a memo index in decimal. */
export function memoIndexArgument(text: string): number | ArgumentProblem {
  if (!/^\s*\d{1,15}\s*$/.test(text)) return new ArgumentProblem(`"${text.slice(0, 40)}" is not a memo index`);
  return Number(text);
}

/** STRING: a quoted Python 2 `str` literal with its escapes. */
export function stringArgument(line: Uint8Array): string | ArgumentProblem {
  const q = line[0];
  if (line.length < 2 || (q !== 0x27 && q !== 0x22) || line[line.length - 1] !== q) return new ArgumentProblem('the argument must be quoted');
  const bytes = escapeDecode(line.subarray(1, line.length - 1));
  return bytes instanceof ArgumentProblem ? bytes : py2String(bytes);
}

/** UNICODE: raw-unicode-escape text. */
export function unicodeArgument(line: Uint8Array): string | ArgumentProblem {
  return rawUnicodeEscape(line);
}
