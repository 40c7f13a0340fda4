import * as vscode from 'vscode';
import type { Logger } from '../openstack/http';

/** The library's Logger on top of a VS Code log output channel. */
export function channelLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
}
