/** Entry of the extension-host test suite: VS Code loads this bundle and calls run(). */
import Mocha from 'mocha';
import { extensionTests } from './extension.spec.js';
import { layerTests } from './layers.spec.js';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000 });
  // Binds suite/test/setup as globals, as the mocha command line does before loading test files.
  mocha.suite.emit('pre-require', globalThis, 'cein', mocha);
  extensionTests();
  layerTests();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
