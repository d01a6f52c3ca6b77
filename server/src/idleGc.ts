// Young-generation collections in the pauses between keystrokes.
//
// Each keystroke allocates ~1.6 MB in the server (GitApi.js: the text, flattened again; the
// collection of the file's functions; the summaries and lenses placed after the edit), so V8's
// young generation fills every few dozen keystrokes, and the scavenge that empties it (2-6 ms on
// GitApi.js, copying the few MB that are still live) lands in whichever keystroke fills it. Node,
// unlike a browser, gives V8 no idle time to collect in. So the server does it: once nothing has
// happened for IDLE_MS and no analysis is running, a young generation filled past `fill` is
// collected then, and the keystrokes after it start with room to allocate. At ten keys a second
// there are ~90 ms of quiet after each keystroke; a burst with no pause in it leaves the
// collection to V8, as before. Needs `gc` (--expose-gc, which SERVER_EXEC_ARGV passes); without
// it the collector does nothing.
import * as v8 from 'node:v8';

type Gc = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

export interface IdleCollectorOptions {
  /** Whether work is under way (an analysis between two of its slices): no collection then. */
  busy: () => boolean;
  /** Quiet time before a collection (ms). */
  idleMs?: number;
  /** The young generation's fill (0 to 1) from which a quiet moment collects it. */
  fill?: number;
  /** The collector (default: the `gc` that --expose-gc gives, if given; null: none). */
  gc?: Gc | null;
  /** The young generation's fill now (default: from v8.getHeapSpaceStatistics). */
  youngFill?: () => number;
}

/** The young generation's fill: used / (used + available) of V8's new space. */
export function youngGenerationFill(): number {
  for (const s of v8.getHeapSpaceStatistics()) {
    if (s.space_name !== 'new_space') continue;
    const capacity = s.space_used_size + s.space_available_size;
    return capacity > 0 ? s.space_used_size / capacity : 0;
  }
  return 0;
}

export const IDLE_MS = 30;
export const IDLE_FILL = 0.5;

export class IdleCollector {
  /** Collections made (the server reports their times from its GC observer). */
  collections = 0;
  private readonly gc: Gc | undefined;
  private readonly idleMs: number;
  private readonly fill: number;
  private readonly youngFill: () => number;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: IdleCollectorOptions) {
    this.gc = options.gc === undefined ? (globalThis as { gc?: Gc }).gc : options.gc ?? undefined;
    this.idleMs = options.idleMs ?? IDLE_MS;
    this.fill = options.fill ?? IDLE_FILL;
    this.youngFill = options.youngFill ?? youngGenerationFill;
  }

  /** Whether it can collect at all (a `gc` was given or exposed). */
  get enabled(): boolean {
    return !!this.gc;
  }

  /** Something happened (a message, an edit, an analysis ended): the quiet starts again. */
  touch(): void {
    if (!this.gc) return;
    // (a refreshed timer fires IDLE_MS after the last touch: when it fires, it has been quiet)
    if (this.timer) this.timer.refresh();
    else {
      this.timer = setTimeout(() => this.check(), this.idleMs);
      // (the server's lifetime is its connection's, not this timer's)
      this.timer.unref?.();
    }
  }

  /**
   * At the end of a quiet moment: collects the young generation if it is filled past `fill`.
   * Returns whether it collected. Work under way (an analysis between its slices) puts the check
   * off by another quiet moment.
   */
  check(): boolean {
    if (!this.gc) return false;
    if (this.options.busy()) {
      this.timer?.refresh();
      return false;
    }
    if (this.youngFill() < this.fill) return false;
    this.gc({ type: 'minor' });
    this.collections++;
    return true;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
