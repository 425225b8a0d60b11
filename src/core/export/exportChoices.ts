// The choices an interactive export offers, worked out from the inspector's report: the formats,
// the default target beside the source (`model_000200.pt` → `model_000200.safetensors`), and the
// wrapper prefixes (torch.compile's `_orig_mod.`, DataParallel's `module.`) the weights' names
// carry and the user may strip.
import { basename, dirname, extname, join } from 'node:path';
import type { InspectReport } from '../inspect/report';
import type { PackedReport } from '../inspect/tensorColumns';
import { rowStartsWith } from '../inspect/tensorColumns';
import type { CastName } from './elementCast';
import type { OutputKind } from './exportTargets';

/** Prefixes a wrapper adds to every name of a module's state dict. */
export const WRAPPER_PREFIXES = ['_orig_mod.', 'module.'];

/** The suffix a format's file takes; a folder has none. */
const EXTENSIONS: Record<OutputKind, string> = { safetensors: '.safetensors', pt: '.pt', 'safetensors-folder': '' };

/**
 * Where an export goes by default: beside the source, its name with the format's extension, the
 * cast's dtype appended (`model_000200-bf16.safetensors`), and `-weights` when that would be the
 * source itself (a `.safetensors` to `.safetensors`). A folder export is named `<stem>-safetensors`.
 */
export function defaultExportPath(source: string, kind: OutputKind, dtype?: CastName): string {
  // A sharded set's index (`model.safetensors.index.json`): the merge is `model-merged.*`.
  const index = /^(.+?)(\.safetensors|\.bin)?\.index\.json$/i.exec(basename(source));
  // A nanochat step opened whole through its meta_<step>.json: its weights are its model file's.
  const step = /^meta_(\d+)\.json$/.exec(basename(source));
  const own = step ? join(dirname(source), `model_${step[1]}.pt`) : source;
  const stem = index ? `${index[1]}-merged` : basename(own, extname(own));
  const cast = dtype ? `-${dtype}` : '';
  const name = kind === 'safetensors-folder' ? `${stem}${cast}-safetensors` : `${stem}${cast}${EXTENSIONS[kind]}`;
  const path = join(dirname(source), name);
  return path === own ? join(dirname(source), `${stem}${cast}-weights${EXTENSIONS[kind]}`) : path;
}

/** What a model weight's path starts with: the model key and a dot ('' for a bare state dict). */
function modelPrefix(modelKey: string): string {
  return modelKey === '' ? '' : `${modelKey}.`;
}

/** The model weights' names as the export would write them (relative to the model key). */
export function modelWeightNames(report: InspectReport): string[] {
  if (report.modelKey === undefined) return [];
  const prefix = modelPrefix(report.modelKey);
  return report.tensors.filter((t) => t.path.startsWith(prefix)).map((t) => t.path.slice(prefix.length));
}

/** The wrapper prefixes that every one of the model's names starts with, or some do: in WRAPPER_PREFIXES order. */
export function wrapperPrefixes(report: InspectReport): string[] {
  const names = modelWeightNames(report);
  return WRAPPER_PREFIXES.filter((p) => names.some((n) => n.startsWith(p)));
}

/**
 * wrapperPrefixes of a report whose tensors are columns, read where the paths lie in the path
 * column's text: no row and no name is made (the Export command asks this on the extension host,
 * where unpacking 60,000 rows took 25–38 ms).
 */
export function packedWrapperPrefixes(report: PackedReport): string[] {
  if (report.modelKey === undefined) return [];
  const prefix = modelPrefix(report.modelKey);
  const paths = report.tensorColumns.path;
  return WRAPPER_PREFIXES.filter((wrapper) => {
    const start = prefix + wrapper;
    for (let i = 0; i < paths.ends.length; i++) if (rowStartsWith(paths, i, start)) return true;
    return false;
  });
}
