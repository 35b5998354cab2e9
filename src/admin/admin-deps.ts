import type { Client } from '@temporalio/client';
import type { Collection } from 'mongodb';
import type { HookflowConfig } from '../config/load-config';
import type { Logger } from '../logging/logger';
import type { BodyStore } from '../store/body-store';
import type { AttemptDocument } from '../store/attempt-records';
import type { EventDocument } from '../store/documents';
import type { ControlDocument } from '../controls/control-document';
import type { ReceiverMetrics } from '../metrics/create-receiver-metrics';

/** What every admin operation works with; the server builds real ones, tests may pass others. */
export interface AdminDeps {
  /** The config in force now: retries and replays resolve their plan from it. */
  readonly config: HookflowConfig;
  readonly temporal: Client;
  readonly events: Collection<EventDocument>;
  /** Paused destinations and sources (src/controls/); the pause and resume calls need it. */
  readonly controls?: Collection<ControlDocument>;
  readonly bodies: BodyStore;
  /** Failed action attempts (src/store/attempt-records.ts): an event's detail lists them. */
  readonly attempts?: Collection<AttemptDocument>;
  readonly logger: Logger;
  /**
   * The receiver's metrics when the admin server runs in its process: the console's Sources and
   * Overview pages read its delivery counts and ack latency (src/console/).
   */
  readonly receiverMetrics?: ReceiverMetrics;
  /** Injected so tests control time. */
  readonly now?: () => Date;
}
