// Messages between the profile editor's extension-host side and its webview (media/src/profileEditor.ts).
// PURE types: imported by both sides. All profile text (function names, URLs) travels here as data
// and the webview renders it with textContent only.

export interface WebviewFunction {
  /** Index into Profile.functions (sent back in `open`). */
  id: number;
  name: string;
  url: string;
  /** Short location label, e.g. "shapes.ts:13" ("" when there is no source). */
  location: string;
  /** 0-based start line, -1 when unknown. */
  line: number;
  kind: 'js' | 'native' | 'special';
  selfMs: number;
  totalMs: number;
}

/** The call tree in pre-order; parent indices point to earlier entries (-1 for roots). */
export interface WebviewTree {
  fn: number[];
  parent: number[];
  selfMs: number[];
  totalMs: number[];
}

export interface WebviewThread {
  id: string;
  label: string;
  samples: number;
}

export interface ProfilePayload {
  name: string;
  format: string;
  durationMs: number;
  idleMs: number;
  sampleCount: number;
  /** 'functions': only function start positions are known (Clinic, 0x, speedscope, minified). */
  precision: 'lines' | 'functions';
  estimatedTimes: boolean;
  warnings: string[];
  notes: string[];
  threads: WebviewThread[];
  thread?: string;
  functions: WebviewFunction[];
  tree: WebviewTree;
}

export type EditorView = 'functions' | 'top-down' | 'bottom-up' | 'flame';

export type HostMessage =
  | { type: 'loading'; message: string }
  | { type: 'profile'; profile: ProfilePayload }
  | { type: 'error'; message: string }
  /** Test hook: act as if the user clicked the first row/frame named `name` in `view`. */
  | { type: 'test:click'; name: string; view: EditorView };

export type WebviewMessage =
  | { type: 'ready' }
  /** Open the source of function `fn` (WebviewFunction.id). */
  | { type: 'open'; fn: number }
  /** Load this profile as the heat overlay in the editors. */
  | { type: 'showHeat' }
  /** Show another thread/profile of the same file. */
  | { type: 'thread'; id: string }
  /** Answer to `test:click`. */
  | { type: 'test:clicked'; ok: boolean; detail: string };
