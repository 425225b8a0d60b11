// Where each parameter's fp32 elements lie in DeepSpeed's ZeRO partitions, by the rules
// deepspeed/utils/zero_to_fp32.py gathers them with:
// - stage 1/2: each param group is one flat vector, cut into one partition per data-parallel rank
//   (`single_partition_of_fp32_groups[g]`, saved without the alignment padding); the partitions
//   concatenated in rank order hold the group's parameters back to back, in `param_shapes` order.
//   The vector was padded to a multiple of 2 * world_size, so the parameters' numel and the
//   partitions' agree once both are rounded up to it.
// - stage 3: every parameter is cut in world_size pieces of ceil(numel / world_size) elements (the
//   last rank's padded); each rank keeps its pieces back to back over its `fp32_flat_groups`, so a
//   parameter's pieces sit at the same offset in every rank's groups.
// A piece is a run of the flattened parameter stored in one rank's group tensor.
import { CorruptError } from '../errors';
import { numel } from '../torch/tensorRef';

export interface ZeroPiece {
  rank: number;
  /** Index of the group tensor in the rank's list. */
  group: number;
  /** First element of the run in that group tensor. */
  element: number;
  /** First element of the run in the flattened parameter. */
  start: number;
  count: number;
}

export interface ZeroParam {
  name: string;
  shape: number[];
  pieces: ZeroPiece[];
}

/** The names a layout's errors give: the model states file that holds param_shapes, and each rank's file. */
export interface ZeroFiles {
  modelStates: string;
  ranks: readonly string[];
}

/** Param groups as `param_shapes` lists them: each an ordered list of (name, shape). */
export type ParamShapes = ReadonlyArray<ReadonlyArray<readonly [string, readonly number[]]>>;

const sum = (xs: readonly number[]): number => xs.reduce((n, x) => n + x, 0);

/** The runs of [from, from + count) in a rank's group tensors of `lengths`, laid end to end. */
function* runsIn(lengths: readonly number[], from: number, count: number): Generator<{ group: number; element: number; offset: number; count: number }> {
  let base = 0;
  let done = 0;
  for (let g = 0; g < lengths.length && done < count; g++) {
    const end = base + lengths[g];
    const lo = Math.max(from + done, base);
    if (lo < end) {
      const n = Math.min(end, from + count) - lo;
      if (n > 0) {
        yield { group: g, element: lo - base, offset: lo - from, count: n };
        done += n;
      }
    }
    base = end;
  }
}

/**
 * Stage 1/2: `lengths[rank][group]` is the numel of that rank's fp32 partition of the group.
 * Throws CorruptError naming the files when param_shapes does not fit the partitions.
 */
export function zero2Layout(shapes: ParamShapes, lengths: readonly (readonly number[])[], world: number, files: ZeroFiles): ZeroParam[] {
  const out: ZeroParam[] = [];
  lengths.forEach((l, rank) => {
    if (l.length !== shapes.length) {
      throw new CorruptError(`${files.ranks[rank]} holds ${l.length} fp32 partition${l.length === 1 ? '' : 's'} (single_partition_of_fp32_groups), but param_shapes in ${files.modelStates} lists ${shapes.length} param group${shapes.length === 1 ? '' : 's'}.`);
    }
  });
  const align = 2 * world;
  const up = (x: number) => Math.ceil(x / align) * align;
  shapes.forEach((group, g) => {
    const parts = lengths.map((l) => l[g]);
    const avail = sum(parts);
    const wanted = sum(group.map(([, shape]) => numel(shape)));
    if (wanted > avail || up(wanted) !== up(avail)) {
      throw new CorruptError(
        `param_shapes in ${files.modelStates} gives param group ${g} ${wanted} elements, but its fp32 partitions in ${files.ranks.join(', ')} hold ${avail} (${parts.join(' + ')}): they do not fit, even allowing for the padding to a multiple of ${align}.`,
      );
    }
    const starts = parts.map((_, r) => sum(parts.slice(0, r)));
    let at = 0;
    for (const [name, shape] of group) {
      const n = numel(shape);
      const pieces: ZeroPiece[] = [];
      parts.forEach((len, rank) => {
        const lo = Math.max(at, starts[rank]);
        const hi = Math.min(at + n, starts[rank] + len);
        if (lo < hi) pieces.push({ rank, group: g, element: lo - starts[rank], start: lo - at, count: hi - lo });
      });
      out.push({ name, shape: [...shape], pieces });
      at += n;
    }
  });
  return out;
}

/**
 * Stage 3: `lengths[rank][group]` is the numel of that rank's `fp32_flat_groups[group]`.
 * param_shapes' groups are read as one list, as zero_to_fp32 merges them. Throws CorruptError
 * naming the file whose partitions do not hold what param_shapes needs.
 */
export function zero3Layout(shapes: ParamShapes, lengths: readonly (readonly number[])[], world: number, files: ZeroFiles): ZeroParam[] {
  const params = shapes.flat();
  const perRank = sum(params.map(([, shape]) => Math.ceil(numel(shape) / world)));
  lengths.forEach((l, rank) => {
    if (sum(l) !== perRank) {
      throw new CorruptError(
        `${files.ranks[rank]} holds ${sum(l)} elements in its fp32_flat_groups, but param_shapes in ${files.modelStates} needs ${perRank} per rank (ceil(numel / ${world}) of each of its ${params.length} parameters).`,
      );
    }
  });
  const out: ZeroParam[] = [];
  let at = 0;
  for (const [name, shape] of params) {
    const n = numel(shape);
    const size = Math.ceil(n / world);
    const pieces: ZeroPiece[] = [];
    for (let rank = 0; rank < world; rank++) {
      const count = Math.max(0, Math.min(size, n - rank * size));
      for (const run of runsIn(lengths[rank], at, count)) pieces.push({ rank, group: run.group, element: run.element, start: rank * size + run.offset, count: run.count });
    }
    out.push({ name, shape: [...shape], pieces });
    at += size;
  }
  return out;
}

/** Stage 3's frozen parameters: rank r's fragment (ceil(numel / world) elements) holds the r-th piece. */
export function zero3FrozenPieces(shape: readonly number[], world: number): ZeroPiece[] {
  const n = numel(shape);
  const size = Math.ceil(n / world);
  const pieces: ZeroPiece[] = [];
  for (let rank = 0; rank < world; rank++) {
    const count = Math.max(0, Math.min(size, n - rank * size));
    if (count > 0) pieces.push({ rank, group: 0, element: 0, start: rank * size, count });
  }
  return pieces;
}
