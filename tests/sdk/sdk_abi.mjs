// Prints, as JSON, the contract ABIs bundled in the installed iExec SDK (node_modules/iexec): the PoCo ABI it
// calls the hub with, the registry, asset and RLC token ABIs. Read by tests/sdk/test_sdk_abi.py.
// The SDK's package "exports" hide these files, so they are imported by path.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const sdkLib = dirname(fileURLToPath(import.meta.resolve('iexec'))); // <sdk>/dist/esm/lib
const sdkRoot = join(sdkLib, '..', '..', '..');
const generated = join(sdkLib, '..', 'common', 'generated', '@iexec');
const files = {
  hub: 'poco/IexecInterfaceToken.js',
  App: 'poco/App.js',
  Dataset: 'poco/Dataset.js',
  Workerpool: 'poco/Workerpool.js',
  AppRegistry: 'poco/AppRegistry.js',
  DatasetRegistry: 'poco/DatasetRegistry.js',
  WorkerpoolRegistry: 'poco/WorkerpoolRegistry.js',
  RLC: 'rlc/RLC.js',
};

const out = { sdkVersion: JSON.parse(readFileSync(join(sdkRoot, 'package.json'), 'utf8')).version, abis: {} };
for (const [name, file] of Object.entries(files)) {
  out.abis[name] = (await import(pathToFileURL(join(generated, file)).href)).default.abi;
}
out.pocoVersion = (await import(pathToFileURL(join(generated, 'poco/package.js')).href)).version;
process.stdout.write(JSON.stringify(out));
