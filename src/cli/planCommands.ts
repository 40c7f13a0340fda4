import { Command } from 'commander';
import { installWorkbooks } from '../tripleo/workbookInstaller';
import { createPlan, deletePlan, exportPlan, listPlans, updatePlan } from '../tripleo/plans';
import type { UploadProgress } from '../tripleo/upload';
import { jsonCommand, JsonOption, report, WithUndercloud } from './context';

const progress = (quiet?: boolean) => (p: UploadProgress) => {
  if (!quiet && process.stderr.isTTY) process.stderr.write(`\r${p.phase} ${p.done}/${p.total}   ${p.phase === 'committing' ? '\n' : ''}`);
};

/** `tripleo workflows install` and `tripleo plan list|create|update|delete|export`. */
export function registerPlanCommands(program: Command, withUndercloud: WithUndercloud): void {
  jsonCommand(
    program.command('workflows').description('Mistral workbooks of this project'),
    'install',
    'install or upgrade the workbooks in Mistral (a newer installed copy is left alone)',
  ).action(async (opts: JsonOption, cmd: Command) =>
    withUndercloud(cmd, async (u) => report(opts, await installWorkbooks(u.mistral), (r) => r.forEach((w) => console.log(`${w.name}: ${w.action}`)))),
  );

  const plan = program.command('plan').description('deployment plans');
  jsonCommand(plan, 'list', 'list the deployment plans').action(async (opts: JsonOption, cmd: Command) =>
    withUndercloud(cmd, async (u) =>
      report(opts, await listPlans(u), (plans) => {
        if (!plans.length) console.log('no deployment plans');
        for (const p of plans) console.log(`${p.name}\t${p.objects} files`);
      }),
    ),
  );
  jsonCommand(plan, 'create <name>', 'upload a folder of templates and create a plan from it')
    .requiredOption('--templates <dir>', 'the plan folder (with capabilities-map.yaml)')
    .option('--disable-password-generation', 'do not generate passwords')
    .action(async (name: string, opts: { templates: string; disablePasswordGeneration?: boolean } & JsonOption, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const r = await createPlan(u, name, opts.templates, { generatePasswords: !opts.disablePasswordGeneration, onProgress: progress(opts.json) });
        report(opts, r, () => console.log(r.message), { status: 'SUCCESS', message: r.message, execution: r.executionId, uploaded: r.upload.uploaded.length });
      }),
    );
  jsonCommand(plan, 'update <name>', "replace a plan's templates with a folder's (only changed files are sent)")
    .requiredOption('--templates <dir>', 'the plan folder')
    .action(async (name: string, opts: { templates: string } & JsonOption, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const r = await updatePlan(u, name, opts.templates, { onProgress: progress(opts.json) });
        const text = () =>
          console.log(`${r.message} (${r.upload.uploaded.length} files sent, ${r.upload.deleted.length} deleted, ${r.upload.unchanged} unchanged)`);
        report(opts, r, text, {
          status: 'SUCCESS',
          message: r.message,
          uploaded: r.upload.uploaded,
          deleted: r.upload.deleted,
          dropped_environments: r.dropped,
        });
      }),
    );
  plan
    .command('delete <name>')
    .description('delete a plan (refused while its stack exists)')
    .action(async (name: string, _opts: unknown, cmd: Command) => withUndercloud(cmd, async (u) => console.log(await deletePlan(u, name))));
  plan
    .command('export <name> <dir>')
    .description("write a plan's files and plan-environment.yaml into a new or empty folder")
    .option('--include-passwords', 'also write the generated passwords')
    .action(async (name: string, dir: string, opts: { includePasswords?: boolean }, cmd: Command) =>
      withUndercloud(cmd, async (u) => {
        const files = await exportPlan(u, name, dir, { includePasswords: opts.includePasswords });
        console.log(`exported ${files.length} files to ${dir}`);
      }),
    );
}
