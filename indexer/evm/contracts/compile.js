// Compiles src/*.sol with the solc-js package found on NODE_PATH and writes
// build/<Contract>.abi and build/<Contract>.bin. Standard JSON input pins the
// EVM version and optimizer settings, so the output only depends on the
// sources and the solc version build.sh installs.
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

const dir = __dirname;
const srcDir = path.join(dir, 'src');
const outDir = path.join(dir, 'build');

const sources = {};
for (const name of fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[`src/${name}`] = { content: fs.readFileSync(path.join(srcDir, name), 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of output.errors || []) {
  console.error(e.formattedMessage);
}
if (errors.length > 0) {
  process.exit(1);
}

fs.mkdirSync(outDir, { recursive: true });
for (const file of Object.keys(output.contracts).sort()) {
  for (const [name, contract] of Object.entries(output.contracts[file])) {
    fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(contract.abi, null, 2) + '\n');
    fs.writeFileSync(path.join(outDir, `${name}.bin`), contract.evm.bytecode.object + '\n');
    console.log(`compiled ${file}:${name}`);
  }
}
