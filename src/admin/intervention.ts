import type { EventDocument } from '../store/documents';

export type Intervention = NonNullable<EventDocument['intervention']>;

/** The operator's intervention as recorded on the event: what, why (if said), when. */
export function intervention(action: Intervention['action'], reason: string | undefined, at: Date): Intervention {
  return { action, ...(reason === undefined ? {} : { reason }), at };
}
