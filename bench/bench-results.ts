import type { CpuUse } from './cpu-meter';
import type { BareEndToEndResult } from './measure-bare-end-to-end';
import type { EndToEndResult } from './measure-end-to-end';
import type { EngineAndReceiver } from './measure-engine-and-receiver';
import type { StoreGrowthRun } from './measure-store-growth';
import type { HttpLoadResult } from './run-http-load';

/** One round of (d): hookflow's batch and the bare workflow's. */
export interface DRound {
  readonly hookflow: EndToEndResult;
  readonly bare: BareEndToEndResult;
}

/** Every figure of a run, by scenario; a scenario left out by --only is absent. */
export interface BenchResults {
  readonly a?: HttpLoadResult & { readonly cpu: CpuUse };
  readonly b?: EngineAndReceiver['b'];
  readonly c?: EngineAndReceiver['c'];
  /**
   * Two rounds, run baseline, hookflow, hookflow, baseline, so a drift in the machine's load
   * during (d) weighs on both alike; the ratio pools them.
   */
  readonly d?: readonly DRound[];
  /** One run per worker count of --io-workers, in that order. */
  readonly e?: readonly EndToEndResult[];
  /** One run per count of events already stored, smallest first. */
  readonly f?: readonly StoreGrowthRun[];
}
