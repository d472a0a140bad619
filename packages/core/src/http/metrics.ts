import type { AuditEvent } from '../audit.js';

export interface Metrics {
  /** Counts one tool call from its audit event. */
  observeCall(event: AuditEvent): void;
  observeHttp(route: string, status: number): void;
  setSessions(n: number): void;
  /** The Prometheus text exposition and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * Prometheus metrics (prom-client, loaded only in http mode): tool calls by tool, outcome and
 * decision; their duration as a histogram; HTTP requests by route and status; stateful
 * sessions; and the process metrics prom-client collects (CPU, memory, event-loop lag, GC).
 */
export async function createMetrics(connector: string): Promise<Metrics> {
  const imported = await import('prom-client');
  // CommonJS: bundled, its exports arrive as the default export.
  const client = ((imported as unknown as { default?: typeof imported }).default ?? imported) as typeof imported;
  const registry = new client.Registry();
  registry.setDefaultLabels({ connector });
  client.collectDefaultMetrics({ register: registry });
  const calls = new client.Counter({ name: 'mcp_tool_calls_total', help: 'Tool calls, by tool, outcome and policy decision.', labelNames: ['tool', 'outcome', 'decision'], registers: [registry] });
  const errors = new client.Counter({ name: 'mcp_tool_errors_total', help: 'Tool calls that did not end ok, by tool and error code.', labelNames: ['tool', 'code'], registers: [registry] });
  const duration = new client.Histogram({
    name: 'mcp_tool_call_duration_seconds',
    help: 'Time from receiving a tool call to its result, by tool.',
    labelNames: ['tool'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const http = new client.Counter({ name: 'mcp_http_requests_total', help: 'HTTP requests, by route and status.', labelNames: ['route', 'status'], registers: [registry] });
  const sessions = new client.Gauge({ name: 'mcp_sessions', help: 'Open stateful sessions.', registers: [registry] });
  return {
    observeCall(e) {
      // An unknown tool name comes from the client: bucketed, so a client cannot create series without bound.
      const tool = e.decision === 'deny:unknown_tool' ? '(unknown)' : e.tool;
      calls.inc({ tool, outcome: e.outcome, decision: e.decision });
      if (e.outcome !== 'ok') errors.inc({ tool, code: e.errorCode ?? e.outcome });
      duration.observe({ tool }, e.durationMs / 1000);
    },
    observeHttp(route, status) {
      http.inc({ route, status: String(status) });
    },
    setSessions(n) {
      sessions.set(n);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
