// A marketplace's registration feed from herald:
//
//   node --import tsx src/main.ts --url ws://127.0.0.1:8080/graphql \
//     --collection embers-demo --state ./state.json [--min 2] [--api-key KEY]
//
// It prints a line per event applied, and keeps its view and position in
// the state file; run it again and it resumes where it stopped.
import { parseArgs } from 'node:util';

import { follow } from './follow.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'ws://127.0.0.1:8080/graphql' },
    collection: { type: 'string', default: 'embers-demo' },
    min: { type: 'string', default: '2' },
    state: { type: 'string', default: 'state.json' },
    'api-key': { type: 'string' },
  },
});

const abort = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => abort.abort());

await follow({
  url: values.url!, collection: values.collection!, minConfirmations: Number(values.min),
  statePath: values.state!, apiKey: values['api-key'], signal: abort.signal,
  onState: (s) => console.log(`${s.after} listings=${Object.keys(s.view).length} added=${s.counts.added} confirmed=${s.counts.confirmed} removed=${s.counts.removed}`),
});
