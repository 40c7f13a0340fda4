import { Command } from 'commander';
import { findEndpoint } from '../openstack/keystone';
import { jsonCommand, JsonOption, report, WithUndercloud } from './context';

/** `tripleo whoami`: who the credentials are, and which endpoints the catalog gives. */
export function registerWhoamiCommand(program: Command, withUndercloud: WithUndercloud): void {
  jsonCommand(program, 'whoami', 'authenticate and print the user, project, token expiry and the endpoints found').action(
    async (opts: JsonOption, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const token = await u.connect();
        const endpoints = token.catalog
          .flatMap((s) => {
            try {
              return [{ type: s.type, url: findEndpoint([s], s.type, u.session.interface, u.session.region, u.session.authUrl) }];
            } catch {
              return [];
            }
          })
          .sort((a, b) => a.type.localeCompare(b.type));
        const info = {
          cloud: u.profile.name,
          auth_url: u.session.authUrl,
          user: token.user.name,
          user_domain: token.user.domain?.name,
          project: token.project?.name ?? null,
          project_id: token.project?.id ?? null,
          roles: token.roles,
          expires_at: token.expiresAt.toISOString(),
          endpoints: Object.fromEntries(endpoints.map((e) => [e.type, e.url])),
        };
        report(opts, info, () => {
          console.log(`cloud:    ${info.cloud} (${info.auth_url})`);
          console.log(`user:     ${info.user}${info.user_domain ? ` (domain ${info.user_domain})` : ''}`);
          console.log(`project:  ${info.project ?? '(not project scoped)'}${info.project_id ? ` (${info.project_id})` : ''}`);
          console.log(`roles:    ${info.roles.join(', ')}`);
          console.log(`expires:  ${info.expires_at}`);
          console.log('endpoints:');
          for (const e of endpoints) console.log(`  ${e.type.padEnd(24)} ${e.url}`);
        });
      }),
  );
}
