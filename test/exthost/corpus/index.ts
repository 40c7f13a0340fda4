// extensionTestsPath of the suite that runs with a released tripleo-heat-templates tree as the workspace
import { runSuite } from '../index';

export function run(): Promise<void> {
  return runSuite(__dirname, 'corpus');
}
