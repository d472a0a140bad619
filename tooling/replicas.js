// Replicas of a connector's built bin in http mode, behind a round-robin reverse proxy
// (http-proxy, the proxy library most used on npm), for the scale-out test and benchmark.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { once } from 'node:events';
import httpProxy from 'http-proxy';

/**
 * Starts `count` processes of `bin` with `--transport http --port 0` plus `args`, waits for each
 * to log its URL, and puts a proxy in front that sends each request to the next replica.
 * @param {{ bin: string, args?: string[], count: number, env?: Record<string, string> }} options
 */
export async function startReplicas({ bin, args = [], count, env = {} }) {
  const replicas = await Promise.all(Array.from({ length: count }, () => startReplica(bin, args, env)));
  const proxy = httpProxy.createProxyServer({ xfwd: true, proxyTimeout: 120_000 });
  let next = 0;
  const served = replicas.map(() => 0);
  proxy.on('error', (err, _req, res) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'bad_gateway', message: err.message }));
  });
  const server = createServer((req, res) => {
    const i = next++ % replicas.length;
    served[i]++;
    // The replicas check Host against their allowlist: the proxy keeps the client's Host
    // (127.0.0.1:<proxy port>), as a load balancer in front of a public name does.
    proxy.web(req, res, { target: replicas[i].url });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    replicas,
    /** Requests the proxy sent to each replica. */
    served: () => [...served],
    async stop() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(() => r()));
      proxy.close();
      await Promise.all(replicas.map((r) => r.stop()));
    },
  };
}

async function startReplica(bin, args, env) {
  const child = spawn(process.execPath, [bin, ...args, '--transport', 'http', '--port', '0'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines = [];
  let buffer = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica did not start within 20 s:\n${lines.join('\n')}`)), 20_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        try {
          const rec = JSON.parse(line);
          if (rec.msg === 'ready' && rec.url) {
            clearTimeout(timer);
            resolve(rec.url.replace(/\/mcp$/, ''));
          }
        } catch {
          // not a JSON line
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`replica exited with ${code}:\n${lines.join('\n')}`)));
  });
  return {
    url,
    pid: child.pid,
    /** Every stderr line so far (JSON logs and audit events). */
    lines: () => lines,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
