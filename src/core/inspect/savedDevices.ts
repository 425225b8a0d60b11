// The devices a checkpoint's tensors were saved from. torch.load puts each storage back on its
// saved device, so a file saved on `cuda:0` or `mps` needs `map_location` on a machine without it.
import type { TensorInfo } from './report';

/** The distinct saved devices, in first-seen order. */
export function savedDevices(tensors: readonly TensorInfo[]): string[] {
  const devices = new Set<string>();
  for (const t of tensors) if (t.device !== undefined) devices.add(t.device);
  return [...devices];
}

/** Devices other than the CPU, which torch.load cannot restore on a machine that lacks them. */
export function devicesNeedingMapLocation(devices: readonly string[]): string[] {
  return devices.filter((d) => d !== 'cpu');
}

/** The note for the header when loading needs `map_location`, else undefined. */
export function mapLocationNote(tensors: readonly TensorInfo[]): string | undefined {
  const away = devicesNeedingMapLocation(savedDevices(tensors));
  if (away.length === 0) return undefined;
  return `Saved on ${away.join(', ')}: on a machine without ${away.length === 1 ? 'it' : 'them'}, torch.load needs map_location='cpu' (or another device).`;
}
