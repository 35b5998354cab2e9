import type { ActionPlan } from '../types/webhook-event';
import { controlKey } from './control-document';

/** The control key a forward holds on (its destination's); a handler has none of its own. */
export function destinationKeyOf(action: ActionPlan): string | undefined {
  return action.kind === 'forward' ? controlKey('destination', action.destination) : undefined;
}

/** Every control key that can hold these actions of a source's event: the source's, then each forward's destination's. */
export function controlKeysOf(source: string, actions: readonly ActionPlan[]): string[] {
  return [controlKey('source', source), ...actions.flatMap((action) => destinationKeyOf(action) ?? [])];
}

/** What the paused keys hold of an event when it is recorded. */
export interface EventHolds {
  /** The whole event, its source being paused. */
  readonly sourceHeld: boolean;
  /** Whether this action is held from the start (a delayed one asks again when it is due). */
  heldAction(action: ActionPlan): boolean;
  /** The keys it is held on, for the record's `heldOn` (source first). */
  readonly heldOn: string[];
}

/** How `paused` (from pausedKeys over controlKeysOf) holds an event as it is recorded: one rule for the receiver's record and recordEvent's. */
export function eventHolds(source: string, actions: readonly ActionPlan[], paused: readonly string[]): EventHolds {
  const sourceKey = controlKey('source', source);
  const sourceHeld = paused.includes(sourceKey);
  const heldAction = (action: ActionPlan) => !action.delayMs && paused.includes(destinationKeyOf(action) ?? '');
  const heldOn = [...new Set([...(sourceHeld ? [sourceKey] : []), ...actions.filter(heldAction).map((action) => destinationKeyOf(action)!)])];
  return { sourceHeld, heldAction, heldOn };
}
