import * as z from '../zod.js';

export interface HostPort {
  host: string;
  port: number;
}

const PATTERN = /^(?:\[(?<v6>[0-9a-fA-F:.]+)\]|(?<name>[A-Za-z0-9.-]+))(?::(?<port>\d{1,5}))?$/;

/** `host`, `host:port` or `[v6]:port`; the port may be left out when the kind has a usual one. */
export function hostPortSchema(portRequired: boolean) {
  return z.string().check(
    z.refine(
      (s) => {
        const m = PATTERN.exec(s);
        if (!m?.groups) return false;
        const port = m.groups.port;
        if (port === undefined) return !portRequired;
        return Number(port) >= 1 && Number(port) <= 65535;
      },
      { message: portRequired ? 'expected "host:port", e.g. "db.internal:5432"' : 'expected "host" or "host:port", e.g. "api.example.com:443"' },
    ),
  );
}

export function parseHostPort(target: string, defaultPort?: number): HostPort {
  const m = PATTERN.exec(target);
  const host = m?.groups?.v6 ?? m?.groups?.name;
  const port = m?.groups?.port ? Number(m.groups.port) : defaultPort;
  if (!host || port === undefined) throw new Error(`not a host:port target: ${target}`);
  return { host, port };
}
