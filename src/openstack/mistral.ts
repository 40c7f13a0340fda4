import { KeystoneSession } from './keystone';

export type ExecutionState = 'IDLE' | 'RUNNING' | 'SUCCESS' | 'ERROR' | 'PAUSED' | 'CANCELLED';

export interface MistralExecution {
  id: string;
  workflow_name: string;
  workflow_id?: string;
  state: ExecutionState;
  state_info?: string | null;
  input?: string;
  output?: string;
  params?: string;
  created_at: string;
  updated_at?: string | null;
  description?: string;
}

/** Mistral v2 workflow service (the subset used so far). */
export class MistralClient {
  constructor(private readonly session: KeystoneSession) {}

  private json<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.session.json<T>({ service: 'mistral', serviceType: 'workflowv2', method, path, body, signal });
  }

  /** Executions newest first; `marker` is the id of the last one of the previous page. */
  async listExecutions(opts: { limit?: number; marker?: string; signal?: AbortSignal } = {}): Promise<MistralExecution[]> {
    const q = new URLSearchParams({ limit: String(opts.limit ?? 50), sort_keys: 'created_at,id', sort_dirs: 'desc,desc' });
    if (opts.marker) q.set('marker', opts.marker);
    const body = await this.json<{ executions: MistralExecution[] }>('GET', `/executions?${q}`, undefined, opts.signal);
    return body.executions ?? [];
  }
}
