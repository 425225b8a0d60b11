// The file names of a torch.distributed.checkpoint folder: `.metadata` and the
// `__<rank>_<n>.distcp` data files (torch's FileSystemWriter). Names only.

export const DCP_METADATA = '.metadata';
const DISTCP = /\.distcp$/;

export function isDcpFileName(name: string): boolean {
  return name === DCP_METADATA || DISTCP.test(name);
}

export function isDistcpName(name: string): boolean {
  return DISTCP.test(name);
}
