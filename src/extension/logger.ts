import * as vscode from 'vscode';
import type { Logger } from '../openstack/http';
import { redactText } from '../openstack/redact';

/** The library's Logger on top of a VS Code log output channel. */
export function channelLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    debug: (m) => channel.debug(redactText(m)),
    info: (m) => channel.info(redactText(m)),
    warn: (m) => channel.warn(redactText(m)),
    error: (m) => channel.error(redactText(m)),
  };
}
