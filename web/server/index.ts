// The web UI's server (`fleetsim serve`, `npm start`): express serves the built client and the
// scenario list, ws carries one simulation session per connection (ws-server.ts). The
// simulation runs here, on the server, in bursts paced to each session's chosen speed.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { CLIENT_OUT_DIR, ensureClientBuilt, REPO_ROOT } from './build-client.ts';
import { DEFAULT_LIMITS, type ServerLimits } from './limits.ts';
import { ScenarioFiles } from './scenario-files.ts';
import { attachSessions, type SessionServer } from './ws-server.ts';

export interface StartServerOptions {
  port: number;
  /** 127.0.0.1 unless told otherwise: the UI runs simulations for whoever can reach it. */
  host: string;
  /** `--scenario FILE`: offered first and opened by new sessions. */
  scenarioPath: string | null;
  /** Defaults to the repository's scenarios/. */
  scenariosDir?: string;
  limits?: Partial<ServerLimits>;
  /** Build the client when stale (default true; protocol tests skip it). */
  buildClient?: boolean;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  http: Server;
  sessions: SessionServer;
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  if (options.buildClient ?? true) await ensureClientBuilt(log);
  const scenarios = new ScenarioFiles(options.scenariosDir ?? join(REPO_ROOT, 'scenarios'), options.scenarioPath);

  const app = express();
  app.disable('x-powered-by');
  app.get('/api/scenarios', (_req, res) => {
    res.json({ default: scenarios.defaultName(), scenarios: scenarios.list().map((f) => ({ name: f.name, sizeBytes: f.sizeBytes })) });
  });
  app.get('/api/scenarios/:name', (req, res) => {
    const file = scenarios.read(req.params.name);
    if (file === null) {
      res.status(404).json({ error: `no scenario named "${req.params.name}"` });
      return;
    }
    res.type('text/yaml').send(file.text);
  });
  app.use(express.static(CLIENT_OUT_DIR, { index: 'index.html', maxAge: 0 }));

  const http = createServer(app);
  const sessions = attachSessions(http, scenarios, limits, log);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    port,
    host: options.host,
    http,
    sessions,
    close: async () => {
      await sessions.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
