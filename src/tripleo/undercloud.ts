import { ConnectionProfile } from '../openstack/cloudConfig';
import { HttpClient, Logger } from '../openstack/http';
import { GlanceClient } from '../openstack/glance';
import { HeatClient } from '../openstack/heat';
import { IronicClient } from '../openstack/ironic';
import { InspectorClient } from '../openstack/inspector';
import { KeystoneSession, Token } from '../openstack/keystone';
import { MistralClient } from '../openstack/mistral';
import { NovaClient } from '../openstack/nova';
import { SwiftClient } from '../openstack/swift';

export interface UndercloudOptions {
  logger?: Logger;
  timeoutMs?: number;
  /** Extra CA bundle that applies on top of the profile's own cacert. */
  extraCaFile?: string;
  /** Skip certificate verification whatever the profile says (the tripleo.insecure setting); warned about. */
  insecure?: boolean;
}

/** One authenticated connection to an undercloud and a client for each of its services. */
export class Undercloud {
  readonly http: HttpClient;
  readonly session: KeystoneSession;
  readonly swift: SwiftClient;
  readonly mistral: MistralClient;
  readonly heat: HeatClient;
  readonly ironic: IronicClient;
  readonly inspector: InspectorClient;
  readonly glance: GlanceClient;
  readonly nova: NovaClient;

  constructor(
    readonly profile: ConnectionProfile,
    opts: UndercloudOptions = {},
  ) {
    this.http = new HttpClient({
      logger: opts.logger,
      timeoutMs: opts.timeoutMs,
      tls: { ...profile.tls, ...(opts.extraCaFile ? { extraCaFiles: [opts.extraCaFile] } : {}), ...(opts.insecure ? { insecure: true } : {}) },
    });
    this.session = new KeystoneSession(this.http, profile.auth);
    this.swift = new SwiftClient(this.session);
    this.mistral = new MistralClient(this.session);
    this.heat = new HeatClient(this.session);
    this.ironic = new IronicClient(this.session);
    this.inspector = new InspectorClient(this.session);
    this.glance = new GlanceClient(this.session);
    this.nova = new NovaClient(this.session);
  }

  /** Authenticates now, so that a wrong password shows at connect time rather than on first use. */
  connect(signal?: AbortSignal): Promise<Token> {
    return this.session.authenticate(signal);
  }

  dispose(): void {
    this.http.dispose();
  }
}

export const PLAN_CONTAINER_META = 'usage-tripleo';
