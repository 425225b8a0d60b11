// Types for codeServer.mjs, so the TypeScript e2e tests can use it.
export interface CodeServerOptions {
  label?: string;
  folder?: string;
  port?: number;
  env?: Record<string, string>;
  /** User settings, merged over the quiet defaults. */
  settings?: Record<string, unknown>;
  args?: string[];
  keepScratch?: boolean;
  /** Workspace trust on (the folder opens untrusted); off by default. */
  workspaceTrust?: boolean;
}

export interface CodeServer {
  readonly scratchDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly configFile: string;
  readonly serverLog: string;
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly exitCode: number | string | null;
  /** True once stop() began: an exit after this is expected. */
  readonly stopped: boolean;
  start(): Promise<CodeServer>;
  folderUrl(folder?: string, payload?: [string, string][]): string;
  remoteUri(absPath: string): string;
  logs(lines?: number): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number>;
export function installVsix(vsixPath: string, server: CodeServer): string;
export function prepareCodeServer(options?: CodeServerOptions): CodeServer;
export function startCodeServer(options?: CodeServerOptions): Promise<CodeServer>;
