// Runs the statistics and scan requests of one report page: at most one of each in flight (a new
// selection cancels the last), their progress into the panels, Cancel buttons aborting them, and
// whatever the host answers (numbers, an error, a cancellation) shown where it belongs.
import type { RequestOptions } from '../core/rpc/rpcEndpoint';
import type { HostMethods, NonFiniteTensor, ShownStats } from '../shared/protocol';
import type { TensorStats } from '../core/stats/tensorStats';
import { ScanPanel } from './scanPanel';
import type { ChartDrawer } from './statsPanel';
import { StatsPanel } from './statsPanel';

/** The webview's side of the requests it makes (RpcEndpoint.request, narrowed to what this needs). */
export interface StatsRequests {
  request(method: 'tensorStats', params: HostMethods['tensorStats']['params'], options: RequestOptions<HostMethods['tensorStats']['progress']>): Promise<TensorStats>;
  request(method: 'scanNonFinite', params: HostMethods['scanNonFinite']['params'], options: RequestOptions<HostMethods['scanNonFinite']['progress']>): Promise<NonFiniteTensor[]>;
}

export interface StatsControllerOptions {
  host: StatsRequests;
  drawChart: ChartDrawer;
  /** The dtype of the tensor at a path, from the report. */
  dtypeOf: (path: string) => string | undefined;
  /** How many tensors the report lists (the clean scan's sentence counts them). */
  tensorCount: number;
  /** A tensor was picked from the scan's list: the table marks and reveals its row. */
  reveal: (path: string) => void;
  /** The selection changed (the page persists it). */
  onSelected?: (path: string) => void;
}

function isCancel(err: unknown): boolean {
  return !!err && typeof err === 'object' && ((err as { name?: unknown }).name === 'AbortError' || (err as { code?: unknown }).code === 'cancelled');
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class StatsController {
  readonly panel: StatsPanel;
  readonly scanPanel: ScanPanel;
  private statsRun: AbortController | undefined;
  private scanRun: AbortController | undefined;
  private scanning: Promise<void> | undefined;
  private disposed = false;

  constructor(private readonly options: StatsControllerOptions) {
    this.panel = new StatsPanel({ drawChart: options.drawChart, onCancel: () => this.statsRun?.abort() });
    this.scanPanel = new ScanPanel({
      onScan: () => void this.scan(),
      onCancel: () => this.scanRun?.abort(),
      onSelect: (path) => {
        options.reveal(path);
        void this.select(path);
      },
    });
  }

  /** Shows the statistics of the tensor at `path`; resolves once they (or an error) are shown. */
  async select(path: string): Promise<void> {
    if (this.disposed) return;
    this.statsRun?.abort();
    const run = new AbortController();
    this.statsRun = run;
    this.options.onSelected?.(path);
    this.panel.showRunning(path);
    try {
      const stats = await this.options.host.request('tensorStats', { path }, { signal: run.signal, onProgress: (p) => this.panel.setProgress(p.done, p.total) });
      if (this.statsRun === run) this.panel.showStats(path, this.options.dtypeOf(path) ?? '?', stats);
    } catch (err) {
      if (this.statsRun !== run) return; // superseded by a newer selection
      if (isCancel(err)) this.panel.showCancelled(path);
      else this.panel.showError(path, messageOf(err));
    } finally {
      if (this.statsRun === run) this.statsRun = undefined;
    }
  }

  /** Scans every tensor for NaN and Inf; resolves once the list (or an error) is shown. A scan already running is joined. */
  scan(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.scanning ??= this.runScan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async runScan(): Promise<void> {
    const run = new AbortController();
    this.scanRun = run;
    this.scanPanel.showRunning();
    try {
      const found = await this.options.host.request('scanNonFinite', {}, { signal: run.signal, onProgress: (p) => this.scanPanel.setProgress(p.done, p.total) });
      this.scanPanel.showResult(found, this.options.tensorCount);
    } catch (err) {
      if (isCancel(err)) this.scanPanel.showCancelled();
      else this.scanPanel.showError(messageOf(err));
    } finally {
      this.scanRun = undefined;
    }
  }

  shown(): ShownStats {
    const scan = this.scanPanel.shown();
    return { ...this.panel.shown(), ...(scan ? { scan } : {}) };
  }

  /** The page is replaced: what it asked for is cancelled. */
  dispose(): void {
    this.disposed = true;
    this.statsRun?.abort();
    this.scanRun?.abort();
    this.panel.dispose();
  }
}
