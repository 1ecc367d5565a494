// follow keeps a marketplace's view of a collection in step with herald:
// subscribe after the last position it applied, apply each event, save the
// position with the view, and after any disconnect — a restart, a lost
// connection, a SLOW_CONSUMER cut-off — subscribe again after it. herald
// delivers every event after a position exactly once, in order
// (docs/api.md, "The delivery contract").
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

import type { RegistrationsSubscription, RegistrationsSubscriptionVariables } from './generated.ts';
import { apply, emptyState, type State } from './view.ts';

const subscription = /* GraphQL */ `
  subscription Registrations($collection: String!, $min: Int!, $after: ID) {
    registrationEvents(collection: $collection, minConfirmations: $min, afterEventId: $after) {
      eventId
      kind
      registration {
        txid
        inscriptionId
        collectionName
        status
        paidSats
        block { height }
      }
    }
  }
`;

export interface Options {
  url: string;          // ws://host:port/graphql
  collection: string;
  minConfirmations: number;
  statePath: string;    // where the view and its position are kept
  apiKey?: string;
  onState?: (s: State) => void;
  signal: AbortSignal;
}

export function load(path: string): State {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as State;
  } catch {
    return emptyState();
  }
}

// save writes the state whole, then renames it into place: a crash leaves
// the old state or the new one, never half of one.
export function save(path: string, s: State): void {
  writeFileSync(path + '.tmp', JSON.stringify(s));
  renameSync(path + '.tmp', path);
}

export async function follow(opts: Options): Promise<void> {
  let state = load(opts.statePath);
  const client: Client = createClient({
    url: opts.url,
    webSocketImpl: WebSocket,
    connectionParams: opts.apiKey ? { apiKey: opts.apiKey } : undefined,
    lazy: true,
    retryAttempts: 0, // the loop below resubscribes, after the saved position
  });
  opts.signal.addEventListener('abort', () => void client.dispose());
  while (!opts.signal.aborted) {
    const variables: RegistrationsSubscriptionVariables = {
      collection: opts.collection, min: opts.minConfirmations, after: state.after,
    };
    try {
      for await (const result of client.iterate<RegistrationsSubscription>({ query: subscription, variables })) {
        if (result.errors?.length) {
          throw new Error(result.errors.map((e) => `${e.extensions?.code ?? ''} ${e.message}`).join('; '));
        }
        if (!result.data) continue;
        state = apply(state, result.data.registrationEvents);
        save(opts.statePath, state);
        opts.onState?.(state);
      }
    } catch (err) {
      if (opts.signal.aborted) break;
      console.error(`subscription ended (${(err as Error).message ?? err}); resuming after ${state.after}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
