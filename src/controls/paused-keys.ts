import type { Collection } from 'mongodb';
import type { ControlDocument } from './control-document';

/** Which of these keys are paused now: one read, only when there is a key to ask about. */
export async function pausedKeys(controls: Collection<ControlDocument>, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const paused = await controls.find({ _id: { $in: [...new Set(keys)] }, paused: true }, { projection: { _id: 1 } }).toArray();
  return paused.map((doc) => doc._id);
}
