// The Python that makes a checkpoint at a URL a local file before it is loaded: the Hub's own
// client for a Hugging Face `resolve/` URL (it caches, resumes and sends the user's token), else
// urllib into a file of the URL's name. torch.load and load_file take paths, not URLs.
import { pyString } from './pyString';

/** A Hugging Face Hub file: `https://huggingface.co/[datasets/|spaces/]owner/name/resolve/rev/path`. */
export interface HubFile {
  repoId: string;
  repoType?: 'dataset' | 'space';
  revision: string;
  filename: string;
}

export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

/** The Hub file a `resolve/` URL names, or undefined for any other URL. */
export function hubFile(url: string): HubFile | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.hostname !== 'huggingface.co' && u.hostname !== 'hf.co') return undefined;
  const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let repoType: HubFile['repoType'];
  if (parts[0] === 'datasets' || parts[0] === 'spaces') repoType = parts.shift() === 'datasets' ? 'dataset' : 'space';
  if (parts.length < 5 || parts[2] !== 'resolve') return undefined;
  return { repoId: `${parts[0]}/${parts[1]}`, ...(repoType ? { repoType } : {}), revision: parts[3]!, filename: parts.slice(4).join('/') };
}

/** The last segment of a URL's path: the local file's name. */
export function urlFileName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '');
  return name.replace(/[^A-Za-z0-9_.=-]/g, '_') || 'checkpoint';
}

function hubArgs(f: HubFile): string {
  const type = f.repoType ? `, repo_type=${pyString(f.repoType)}` : '';
  return `repo_id=${pyString(f.repoId)}${type}, revision=${pyString(f.revision)}`;
}

/** Lines that set `variable` to a local path holding the file at `url`. */
export function downloadLines(url: string, variable = 'path'): string[] {
  const hub = hubFile(url);
  if (hub) {
    return [
      'from huggingface_hub import hf_hub_download',
      '',
      `# From the Hugging Face Hub (cached; a token from \`huggingface-cli login\` or HF_TOKEN is sent for private repos).`,
      `${variable} = hf_hub_download(${hubArgs(hub)}, filename=${pyString(hub.filename)})`,
    ];
  }
  return [
    'import urllib.request',
    '',
    `url = ${pyString(url)}`,
    `${variable} = ${pyString(urlFileName(url))}`,
    `urllib.request.urlretrieve(url, ${variable})  # downloads the whole file`,
  ];
}

/**
 * Lines that set `folder` to a local folder holding the index at `url` and the `shards` it names:
 * `snapshot_download` of just those files from the Hub, else each downloaded beside the others.
 */
export function downloadFolderLines(url: string, index: string, shards: readonly string[]): string[] {
  const hub = hubFile(url);
  if (hub) {
    const dir = hub.filename.includes('/') ? hub.filename.slice(0, hub.filename.lastIndexOf('/') + 1) : '';
    const patterns = [index, ...shards].map((f) => pyString(dir + f)).join(', ');
    const sub = dir ? ` + "/" + ${pyString(dir.slice(0, -1))}` : '';
    return [
      'from huggingface_hub import snapshot_download',
      '',
      '# The index and its shards from the Hugging Face Hub (cached; HF_TOKEN or `huggingface-cli login` for private repos).',
      `folder = snapshot_download(${hubArgs(hub)}, allow_patterns=[${patterns}])${sub}`,
    ];
  }
  const base = url.slice(0, url.length - (new URL(url).pathname.split('/').pop()?.length ?? 0));
  return [
    'import urllib.request',
    '',
    `base = ${pyString(base)}`,
    `folder = ${pyString(urlFileName(url).replace(/\.index\.json$|\.json$/, '') || 'checkpoint')}`,
    'os.makedirs(folder, exist_ok=True)',
    `for name in [${[index, ...shards].map(pyString).join(', ')}]:`,
    '    urllib.request.urlretrieve(base + name, os.path.join(folder, name))  # each file whole',
  ];
}
