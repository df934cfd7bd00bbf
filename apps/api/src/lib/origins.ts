// Which Host and Origin values name this studio: the loopback names (localhost, 127.0.0.1, [::1]) on the studio's
// port, and the configured origins (BNN_STUDIO_WEB_ORIGIN). The studio's port is the port the connection arrived
// on; an in-process request (app.inject) has no socket port: there any loopback Host passes and an Origin must
// carry the configured port (PORT).
// Guards against DNS rebinding (a page on evil.example resolving to 127.0.0.1) and cross-port CSRF (a page on
// another localhost port).

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface HostPort {
  name: string;
  port: number;
}

/** `host[:port]` as in a Host header or URL authority; the default port follows the scheme. */
export function parseHostPort(value: string, defaultPort = 80): HostPort | null {
  const v = value.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(v);
  if (!m) return null;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { name: m[1]!, port };
}

function parseOrigin(origin: string): HostPort | null {
  const m = /^(https?):\/\/([^/?#]+)$/i.exec(origin.trim());
  if (!m) return null;
  return parseHostPort(m[2]!, m[1]!.toLowerCase() === 'https' ? 443 : 80);
}

export class StudioOrigins {
  private readonly configured: HostPort[];

  constructor(
    configuredOrigins: readonly string[],
    private readonly configuredPort: () => number,
  ) {
    this.configured = configuredOrigins
      .map((o) => parseOrigin(o.replace(/\/+$/, '')))
      .filter((h): h is HostPort => h !== null);
  }

  private matches(h: HostPort | null, studioPort: number | undefined): boolean {
    if (!h) return false;
    if (LOOPBACK_NAMES.has(h.name) && (studioPort === undefined || h.port === studioPort)) return true;
    return this.configured.some((c) => c.name === h.name && c.port === h.port);
  }

  /** The Host header names this studio (`localPort`: the socket's local port, undefined in-process). */
  hostAllowed(host: string | undefined, localPort: number | undefined): boolean {
    if (!host) return false;
    return this.matches(parseHostPort(host), localPort);
  }

  /** The Origin header is this studio's own page (same port as the Host for loopback names). */
  originAllowed(
    origin: string | undefined,
    host: string | undefined,
    localPort: number | undefined,
  ): boolean {
    if (!origin) return false;
    if (!host || !this.hostAllowed(host, localPort)) return false;
    return this.matches(parseOrigin(origin), localPort ?? this.configuredPort());
  }
}
