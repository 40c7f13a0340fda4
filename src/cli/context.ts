import { Command, Option } from 'commander';
import { resolveProfile } from '../openstack/cloudConfig';
import { Logger } from '../openstack/http';
import { Undercloud } from '../tripleo/undercloud';
import { redactText, redactValue } from '../openstack/redact';

export interface GlobalOptions {
  osCloud?: string;
  osCacert?: string;
  insecure?: boolean;
  debug?: boolean;
}

export interface JsonOption {
  json?: boolean;
}

export type WithUndercloud = <T>(cmd: Command, fn: (u: Undercloud) => Promise<T>) => Promise<T>;

function stderrLogger(debug: boolean): Logger {
  const w = (level: string) => (m: string) => process.stderr.write(`${level}: ${redactText(m)}\n`);
  return { debug: debug ? w('debug') : () => {}, info: debug ? w('info') : () => {}, warn: w('warning'), error: w('error') };
}

function openUndercloud(opts: GlobalOptions): Undercloud {
  const profile = resolveProfile(opts.osCloud);
  if (opts.osCacert) profile.tls.caFile = opts.osCacert;
  if (opts.insecure) profile.tls.insecure = true;
  return new Undercloud(profile, { logger: stderrLogger(!!opts.debug) });
}

/** Runs `fn` on an undercloud opened from the global options, and closes it afterwards. */
export async function withUndercloud<T>(cmd: Command, fn: (u: Undercloud) => Promise<T>): Promise<T> {
  const u = openUndercloud(cmd.optsWithGlobals<GlobalOptions>());
  try {
    return await fn(u);
  } finally {
    u.dispose();
  }
}

export function printJson(v: unknown): void {
  // what a command prints is the service's data: a secret in it is masked here too
  console.log(JSON.stringify(redactValue(v), null, 2));
}

/**
 * The one place a command's result is printed: as JSON (`json`, else the value itself) under
 * `--json`, otherwise by `text`.
 */
export function report<T>(opts: JsonOption, value: T, text: (v: T) => void, json?: unknown): void {
  if (opts.json) printJson(json ?? value);
  else text(value);
}

/** A subcommand with `--json`, the option every reporting command has. */
export function jsonCommand(parent: Command, nameAndArgs: string, description: string): Command {
  return parent.command(nameAndArgs).description(description).addOption(new Option('--json', 'print JSON'));
}

/** Collects a repeatable option's values. */
export const collect = (v: string, prev: string[]): string[] => [...prev, v];
