// Prints `export OS_...=` lines for the local undercloud, for `eval "$(npm run -s undercloud:env)"`.
//   --clouds-yaml FILE   also write (or replace) the cloud entry "undercloud" in FILE, keeping
//                        every other cloud and comment in it; the file is created 0600 if missing
//   --cloud NAME         name of that entry (default: undercloud)
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDocument, Document } from 'yaml';

const { values } = parseArgs({
  options: { 'clouds-yaml': { type: 'string' }, cloud: { type: 'string', default: 'undercloud' } },
});
const host = '127.0.0.1';
const vars = {
  OS_AUTH_URL: `http://${host}:5000/v3`,
  OS_USERNAME: 'admin',
  OS_PASSWORD: process.env.UC_ADMIN_PASSWORD || 'admin',
  OS_PROJECT_NAME: 'admin',
  OS_USER_DOMAIN_NAME: 'Default',
  OS_PROJECT_DOMAIN_NAME: 'Default',
  OS_REGION_NAME: process.env.UC_REGION || 'regionOne',
  OS_INTERFACE: 'public',
  OS_IDENTITY_API_VERSION: '3',
};
const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
for (const [k, v] of Object.entries(vars)) console.log(`export ${k}=${quote(v)}`);

const file = values['clouds-yaml'];
if (file) {
  const entry = {
    auth: {
      auth_url: vars.OS_AUTH_URL,
      username: vars.OS_USERNAME,
      password: vars.OS_PASSWORD,
      project_name: vars.OS_PROJECT_NAME,
      user_domain_name: vars.OS_USER_DOMAIN_NAME,
      project_domain_name: vars.OS_PROJECT_DOMAIN_NAME,
    },
    region_name: vars.OS_REGION_NAME,
    interface: vars.OS_INTERFACE,
    identity_api_version: 3,
  };
  let doc;
  if (fs.existsSync(file)) {
    doc = parseDocument(fs.readFileSync(file, 'utf8'));
    if (doc.errors.length) {
      console.error(`${file}: not valid YAML, left unchanged: ${doc.errors[0].message.split('\n')[0]}`);
      process.exit(1);
    }
    if (!doc.has('clouds')) doc.set('clouds', doc.createNode({}));
  } else {
    doc = new Document({ clouds: {} });
  }
  doc.setIn(['clouds', values.cloud], doc.createNode(entry));
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, doc.toString(), { mode: 0o600 });
  fs.renameSync(tmp, file);
  console.error(`wrote cloud "${values.cloud}" to ${file}`);
}
