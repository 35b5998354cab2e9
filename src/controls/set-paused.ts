import type { Client } from '@temporalio/client';
import type { Collection } from 'mongodb';
import type { EventDocument } from '../store/documents';
import { controlKey, RESUME_SIGNAL, type ControlDocument, type ControlKind } from './control-document';

export interface PauseResult {
  readonly kind: ControlKind;
  readonly name: string;
  readonly paused: boolean;
  /** On resume: how many held events were told at once (the others notice within the poll interval). */
  readonly signalled?: number;
}

/**
 * Pause or resume a destination or source. The state is written first, so a held event that
 * polls sees it even if its signal is lost; on resume, every event recorded as held on it is
 * signalled, so it drains at once.
 */
export async function setPaused(
  deps: { controls: Collection<ControlDocument>; events: Collection<EventDocument>; temporal: Client },
  kind: ControlKind,
  name: string,
  paused: boolean,
  reason: string | undefined,
  now: Date,
): Promise<PauseResult> {
  const key = controlKey(kind, name);
  await deps.controls.updateOne(
    { _id: key },
    // An operator's call makes the pause theirs: a circuit breaker lifts only a pause of its own.
    { $set: { kind, name, paused, updatedAt: now, ...(reason ? { reason } : {}) }, $unset: { by: '', ...(reason ? {} : { reason: '' }) } },
    { upsert: true },
  );
  if (paused) return { kind, name, paused };
  const held = await deps.events.find({ [`heldOn.${key}`]: true }, { projection: { _id: 1 } }).toArray();
  let signalled = 0;
  for (const { _id } of held) {
    try {
      await deps.temporal.workflow.getHandle(_id).signal(RESUME_SIGNAL, key);
      signalled++;
    } catch {
      // Closed or gone: nothing is waiting there.
    }
  }
  return { kind, name, paused, signalled };
}
