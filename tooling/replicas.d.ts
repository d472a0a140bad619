export interface Replica {
  url: string;
  pid: number | undefined;
  /** Every stderr line so far (JSON logs and audit events). */
  lines(): string[];
  stop(): Promise<void>;
}

export interface ReplicaSet {
  /** The proxy's base URL; the MCP endpoint is `${url}/mcp`. */
  url: string;
  replicas: Replica[];
  /** Requests the proxy sent to each replica. */
  served(): number[];
  stop(): Promise<void>;
}

export function startReplicas(options: { bin: string; args?: string[]; count: number; env?: Record<string, string> }): Promise<ReplicaSet>;
