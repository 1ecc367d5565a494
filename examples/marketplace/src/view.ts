// The marketplace's local view of a collection: what herald's registration
// events add, confirm and remove. It is a pure function of the events, so
// applying herald's events in order, from any saved position on, keeps it
// equal to what herald holds.
import type { RegistrationsSubscription } from './generated.ts';

export type RegistrationEvent = RegistrationsSubscription['registrationEvents'];

export interface Listing {
  txid: string;
  nft: string;
  status: string;
  paidSats: number;
  height: number;
  confirmed: boolean;
}

export interface State {
  // The position of the last event applied: where to resume.
  after: string;
  // Registrations by txid:collection.
  view: Record<string, Listing>;
  counts: { added: number; confirmed: number; removed: number };
}

export function emptyState(): State {
  return { after: '0', view: {}, counts: { added: 0, confirmed: 0, removed: 0 } };
}

// apply folds one event into the state. REMOVED carries the registration as
// it was added, so it is found by its key; CONFIRMED follows its ADDED.
export function apply(state: State, ev: RegistrationEvent): State {
  const r = ev.registration;
  const key = `${r.txid}:${r.collectionName}`;
  const view = { ...state.view };
  const counts = { ...state.counts };
  switch (ev.kind) {
    case 'ADDED':
      view[key] = { txid: r.txid, nft: r.inscriptionId, status: r.status, paidSats: r.paidSats, height: r.block.height, confirmed: false };
      counts.added++;
      break;
    case 'CONFIRMED':
      if (view[key]) view[key] = { ...view[key], confirmed: true };
      counts.confirmed++;
      break;
    case 'REMOVED':
      delete view[key];
      counts.removed++;
      break;
  }
  return { after: ev.eventId, view, counts };
}
