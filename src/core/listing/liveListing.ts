// A root's listing that stays up to date cheaply: after files change it re-reads only the runs
// they touched (see relistPlan), keeping every other run as it was, object for object, so the
// tree can keep their nodes too.

import type { ListOptions, RootListing } from './listingTypes';
import { planRelist } from './relistPlan';
import type { ListedRoot, RelistPlan } from './relistPlan';
import { rescanRun, rescanSubtree, scanRoot, toRootListing } from './rootScan';
import { isInside } from './runLocation';
import type { RootScan } from './rootScan';

export class LiveListing {
  private listingCache: RootListing | undefined;

  private constructor(
    private scan: RootScan,
    private readonly rootPath: string,
    private readonly options: ListOptions,
  ) {}

  /** Lists `rootPath` for the first time. */
  static async create(rootPath: string, options: ListOptions = {}): Promise<LiveListing> {
    return new LiveListing(await scanRoot(rootPath, options), rootPath, options);
  }

  get root(): string {
    return this.scan.root;
  }

  get listing(): RootListing {
    this.listingCache ??= toRootListing(this.scan);
    return this.listingCache;
  }

  /** Lists the whole root again (Refresh). */
  async relistAll(): Promise<void> {
    this.scan = await scanRoot(this.rootPath, this.options);
    this.listingCache = undefined;
  }

  /**
   * Brings the listing up to date after `changed` paths were created, changed or deleted.
   * `changed` in the result is false when the re-reading found the listing as it was.
   */
  async apply(paths: Iterable<string>): Promise<RelistPlan & { changed: boolean }> {
    const plan = planRelist(this.listedRoot(), paths);
    if (plan.full) {
      await this.relistAll();
      return { ...plan, changed: true };
    }
    const before = this.state();
    for (const dir of plan.subtrees) await rescanSubtree(this.scan, dir);
    for (const dir of plan.runs) await rescanRun(this.scan, dir);
    const after = this.state();
    const changed = before.length !== after.length || before.some((x, i) => x !== after[i]);
    if (changed) this.listingCache = undefined;
    return { ...plan, changed };
  }

  /** The runs (as objects) and warnings now, to tell whether a relist changed anything. */
  private state(): unknown[] {
    return [...this.scan.runs.entries()].flat().concat([...this.scan.walkWarnings.entries()].flat());
  }

  /** True when `path` is a listed run's folder or holds one: its deletion matters. */
  holds(path: string): boolean {
    for (const dir of this.scan.runs.keys()) if (isInside(dir, path)) return true;
    return false;
  }

  private listedRoot(): ListedRoot {
    const { root, layout, exists, depth } = this.scan;
    return { root, layout, exists, depth, runDirs: [...this.scan.runs.keys()] };
  }
}
