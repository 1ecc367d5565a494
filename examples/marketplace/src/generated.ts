/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** What happened to an entity. */
export type EventKind =
  /** Indexed in a new block. */
  | 'ADDED'
  /** Reached the confirmations the subscriber asked for (registrations only). */
  | 'CONFIRMED'
  /** Its block was reorganised away: it is no longer on the chain. */
  | 'REMOVED';

/**
 * A registration attempt's validity, decided when its block is indexed. In order of
 * precedence: MULTIPLE_PAYLOADS, UNDERPAID, EXPIRED; VALID otherwise.
 */
export type RegistrationStatus =
  /** Mined after the payload's expiry height (a block at the expiry height itself is in time). */
  | 'EXPIRED'
  /** Carried two or more registration payloads: ambiguous, so invalid (checked first). */
  | 'MULTIPLE_PAYLOADS'
  /** Paid less than the collection's minimum fee (even when also late). */
  | 'UNDERPAID'
  /** Paid at least the minimum fee, mined at or before the expiry height. */
  | 'VALID';

export type RegistrationsSubscriptionVariables = Exact<{
  collection: string;
  min: number;
  after?: string | number | null | undefined;
}>;


export type RegistrationsSubscription = { registrationEvents: { eventId: string, kind: EventKind, registration: { txid: string, inscriptionId: string, collectionName: string, status: RegistrationStatus, paidSats: number, block: { height: number } } } };
