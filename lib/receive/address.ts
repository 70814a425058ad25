/**
 * `HOST:PORT` listening addresses and the default dump name.
 * @packageDocumentation
 */
import { badArgument } from '../errors';

/** A parsed `HOST:PORT`. */
export interface ListenAddress {
  /** Host name or IP address (IPv6 without brackets). */
  host: string;
  /** Port; 0 picks a free one. */
  port: number;
}

/**
 * Parses `HOST:PORT` (`[::1]:4318` for IPv6; `:PORT` means loopback).
 * @param argument - the flag or option name, for the error
 * @throws NetProfilerError `bad-argument` naming the argument
 */
export function parseListenAddress(value: string, argument: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]*)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535)
    throw badArgument(argument, `${argument} takes HOST:PORT (such as 127.0.0.1:4318, or port 0 for a free one), not ${JSON.stringify(value)}`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** Formats an address as `HOST:PORT` (`[::1]:PORT` for IPv6). */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `receive-<UTC yyyymmddThhmmssZ>.nptb`, the default dump name. */
export function defaultDumpName(date: Date = new Date()): string {
  const s = date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `receive-${s}.nptb`;
}
