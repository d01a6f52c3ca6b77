// PerfLens profile editor webview: summary, a sortable/filterable function table, top-down and
// bottom-up call trees (lazy, keyboard-navigable tree grids) and a flame graph (canvas, zoom,
// search, hover). Bundled by esbuild as a browser IIFE into dist/media.
// Everything from the profile is untrusted text: it is only ever set with textContent.
import type { EditorView, HostMessage, ProfilePayload, WebviewFunction, WebviewMessage } from '../../client/src/editor/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (message: WebviewMessage) => vscode.postMessage(message);
const app = document.getElementById('app') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string; attrs?: Record<string, string> } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  if (props.attrs) for (const [k, v] of Object.entries(props.attrs)) e.setAttribute(k, v);
  for (const c of children) e.appendChild(c);
  return e;
}

function ms(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(v >= 10000 ? 1 : 2)} s`;
  if (v >= 100) return `${v.toFixed(0)} ms`;
  return `${v.toFixed(1)} ms`;
}
const pct = (v: number, total: number) => (total > 0 ? `${((100 * v) / total).toFixed(1)}%` : '–');

window.addEventListener('message', (event: MessageEvent) => {
  const message = event.data as HostMessage;
  if (!message || typeof message !== 'object') return;
  switch (message.type) {
    case 'loading':
      app.replaceChildren(el('p', { className: 'status', text: message.message }));
      break;
    case 'error':
      app.replaceChildren(el('div', { className: 'error', attrs: { role: 'alert' } }, el('h1', { text: 'This profile cannot be shown' }), el('p', { text: message.message })));
      break;
    case 'profile':
      render(message.profile);
      break;
    case 'test:click':
      post({ type: 'test:clicked', ...(current ? current.testClick(message.name, message.view) : { ok: false, detail: 'no profile is shown' }) });
      break;
  }
});

/** The rendered views, for the test hook: click like a user would. */
interface Rendered {
  testClick(name: string, view: EditorView): { ok: boolean; detail: string };
}
let current: Rendered | undefined;

// ---------------------------------------------------------------------------------------------
// Layout

function render(profile: ProfilePayload): void {
  const facts = [
    profile.format,
    ms(profile.durationMs),
    `${profile.sampleCount.toLocaleString()} samples`,
    profile.idleMs > 0 ? `${pct(profile.idleMs, profile.durationMs)} idle` : '',
    `${profile.functions.length.toLocaleString()} functions`,
    profile.precision === 'functions' ? 'per-function times (no line positions)' : '',
    profile.estimatedTimes ? 'times estimated from tick counts' : '',
  ].filter(Boolean);
  const summary = el('p', { className: 'summary', text: facts.join(' · ') });
  const heatButton = el('button', { text: 'Show heat in editors', attrs: { type: 'button', title: 'Shade source lines in the editors by self time' } });
  heatButton.addEventListener('click', () => post({ type: 'showHeat' }));
  const actions = el('div', { className: 'actions' });
  if (profile.threads.length > 1) {
    const select = el('select', { attrs: { 'aria-label': 'Thread or profile to show' } });
    for (const t of profile.threads) {
      const option = el('option', { text: `${t.label} — ${t.samples.toLocaleString()} samples`, attrs: { value: t.id } });
      if (t.id === profile.thread) option.selected = true;
      select.appendChild(option);
    }
    select.addEventListener('change', () => post({ type: 'thread', id: select.value }));
    actions.appendChild(el('label', { className: 'thread', text: 'Thread ' }, select));
  }
  actions.appendChild(heatButton);
  const header = el('header', {}, el('div', {}, el('h1', { text: profile.name }), summary), actions);

  const warnings = el('div', { className: 'warnings' });
  for (const n of profile.notes) warnings.appendChild(el('p', { className: 'note', text: n }));
  for (const w of profile.warnings) warnings.appendChild(el('p', { text: `Note: ${w}` }));

  const views: Array<{ id: EditorView; label: string }> = [
    { id: 'functions', label: 'Functions' },
    { id: 'top-down', label: 'Top-down' },
    { id: 'bottom-up', label: 'Bottom-up' },
    { id: 'flame', label: 'Flame graph' },
  ];
  const tabs = el('div', { className: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Views' } });
  const tabButtons = new Map<EditorView, HTMLButtonElement>();
  const panels = new Map<EditorView, HTMLElement>();
  for (const v of views) {
    const b = el('button', { text: v.label, attrs: { role: 'tab', id: `tab-${v.id}`, 'aria-controls': `panel-${v.id}`, type: 'button' } });
    tabButtons.set(v.id, b);
    tabs.appendChild(b);
    panels.set(v.id, el('section', { attrs: { role: 'tabpanel', id: `panel-${v.id}`, 'aria-labelledby': `tab-${v.id}` } }));
  }

  app.replaceChildren(header, warnings, tabs, ...panels.values());
  const byId = new Map(profile.functions.map((f) => [f.id, f]));
  const table = buildTable(panels.get('functions')!, profile);
  const topDown = buildTopDown(panels.get('top-down')!, profile, byId);
  const bottomUp = buildBottomUp(panels.get('bottom-up')!, profile, byId);
  const flame = buildFlame(panels.get('flame')!, profile, byId);

  const state = (vscode.getState() as { tab?: EditorView } | undefined) ?? {};
  let selected: EditorView = 'functions';
  const select = (which: EditorView, focus = false) => {
    selected = which;
    for (const v of views) {
      const on = v.id === which;
      const b = tabButtons.get(v.id)!;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      panels.get(v.id)!.hidden = !on;
    }
    if (which === 'flame') flame.draw();
    if (focus) tabButtons.get(which)!.focus();
    vscode.setState({ ...state, tab: which });
  };
  for (const v of views) tabButtons.get(v.id)!.addEventListener('click', () => select(v.id));
  tabs.addEventListener('keydown', (e) => {
    const order = views.map((v) => v.id);
    const at = order.indexOf(selected);
    let next = -1;
    if (e.key === 'ArrowRight') next = (at + 1) % order.length;
    else if (e.key === 'ArrowLeft') next = (at + order.length - 1) % order.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = order.length - 1;
    if (next >= 0) {
      select(order[next], true);
      e.preventDefault();
    }
  });
  select(state.tab && views.some((v) => v.id === state.tab) ? state.tab : 'functions');

  current = {
    testClick(name, view) {
      select(view);
      switch (view) {
        case 'functions':
          return table.click(name);
        case 'top-down':
          return topDown.click(name);
        case 'bottom-up':
          return bottomUp.click(name);
        case 'flame':
          return flame.click(name);
      }
      return { ok: false, detail: `unknown view ${String(view)}` };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Function table

type SortKey = 'selfMs' | 'totalMs' | 'name' | 'location';
const PAGE = 300;

function buildTable(panel: HTMLElement, profile: ProfilePayload): { click(name: string): { ok: boolean; detail: string } } {
  const filter = el('input', { attrs: { type: 'search', placeholder: 'Filter by function or file', 'aria-label': 'Filter functions' } });
  const count = el('span', { className: 'count' });
  const table = el('table', { className: 'functions', attrs: { 'aria-label': 'Functions by time' } });
  const thead = el('thead');
  const tbody = el('tbody');
  const more = el('button', { className: 'more', attrs: { type: 'button' } });
  table.append(thead, tbody);
  panel.append(el('div', { className: 'toolbar' }, filter, count), table, more);

  let sortKey: SortKey = 'selfMs';
  let descending = true;
  let limit = PAGE;
  const columns: Array<{ key: SortKey | null; label: string; numeric: boolean }> = [
    { key: 'selfMs', label: 'Self', numeric: true },
    { key: null, label: 'Self %', numeric: true },
    { key: 'totalMs', label: 'Total', numeric: true },
    { key: null, label: 'Total %', numeric: true },
    { key: 'name', label: 'Function', numeric: false },
    { key: 'location', label: 'File:line', numeric: false },
  ];
  const headerRow = el('tr');
  const headerCells: HTMLTableCellElement[] = [];
  for (const col of columns) {
    const th = el('th', { attrs: { scope: 'col' }, className: col.numeric ? 'num' : '' });
    if (col.key) {
      const key = col.key;
      const button = el('button', { text: col.label, attrs: { type: 'button' } });
      button.addEventListener('click', () => {
        if (sortKey === key) descending = !descending;
        else {
          sortKey = key;
          descending = key === 'selfMs' || key === 'totalMs';
        }
        update();
      });
      th.appendChild(button);
      th.dataset.key = key;
    } else th.textContent = col.label;
    headerCells.push(th);
    headerRow.appendChild(th);
  }
  thead.appendChild(headerRow);

  const open = (f: WebviewFunction) => post({ type: 'open', fn: f.id });

  function update(): void {
    const q = filter.value.trim().toLowerCase();
    const rows = profile.functions.filter((f) => !q || f.name.toLowerCase().includes(q) || f.url.toLowerCase().includes(q));
    const dir = descending ? -1 : 1;
    rows.sort((a, b) => {
      const av = a[sortKey];
      const bv = b[sortKey];
      const c = typeof av === 'number' && typeof bv === 'number' ? av - bv : String(av).localeCompare(String(bv));
      return c * dir || b.selfMs - a.selfMs;
    });
    for (const th of headerCells) {
      if (th.dataset.key === sortKey) th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
    const shown = rows.slice(0, limit);
    const frag = document.createDocumentFragment();
    for (const f of shown) {
      const tr = el('tr', { attrs: { tabindex: '0' } });
      tr.dataset.fn = String(f.id);
      if (f.kind !== 'js') {
        tr.classList.add('nosource');
        tr.title = 'Native or V8-internal code: no source';
      } else tr.title = `${f.url || 'inline script'} — Enter or click to open`;
      tr.append(
        el('td', { className: 'num', text: ms(f.selfMs) }),
        el('td', { className: 'num', text: pct(f.selfMs, profile.durationMs) }),
        el('td', { className: 'num', text: ms(f.totalMs) }),
        el('td', { className: 'num', text: pct(f.totalMs, profile.durationMs) }),
        el('td', { className: 'name', text: f.name }),
        el('td', { className: 'loc', text: f.location }),
      );
      tr.addEventListener('click', () => open(f));
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          open(f);
          e.preventDefault();
        } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          const next = (e.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling) as HTMLElement | null;
          next?.focus();
          e.preventDefault();
        } else if (e.key === 'Home' || e.key === 'End') {
          ((e.key === 'Home' ? tbody.firstElementChild : tbody.lastElementChild) as HTMLElement | null)?.focus();
          e.preventDefault();
        }
      });
      frag.appendChild(tr);
    }
    tbody.replaceChildren(frag);
    count.textContent = `${rows.length.toLocaleString()} of ${profile.functions.length.toLocaleString()} functions`;
    more.hidden = rows.length <= limit;
    more.textContent = `Show all ${rows.length.toLocaleString()}`;
  }

  let timer: number | undefined;
  filter.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      limit = PAGE;
      update();
    }, 120);
  });
  more.addEventListener('click', () => {
    limit = Number.MAX_SAFE_INTEGER;
    update();
  });
  update();
  return {
    click(name) {
      const matches = profile.functions.filter((f) => f.name === name).sort((a, b) => b.totalMs - a.totalMs);
      if (!matches.length) return { ok: false, detail: `no function named ${name}` };
      filter.value = name;
      limit = Number.MAX_SAFE_INTEGER;
      update();
      const row = tbody.querySelector<HTMLTableRowElement>(`tr[data-fn="${matches[0].id}"]`);
      if (!row) return { ok: false, detail: `no row for ${name}` };
      row.focus();
      row.click();
      return { ok: true, detail: `clicked the Functions row of ${name} (${matches[0].location})` };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Call trees: top-down (callers → callees, the recorded tree) and bottom-up (functions by self
// time → who called them). A lazy tree grid: children are computed when a row is expanded.

interface GridRow {
  key: string;
  fn: number;
  self: number;
  total: number;
  expandable: boolean;
  children(): GridRow[];
}

type GridSort = 'self' | 'total';

function buildTreeGrid(
  panel: HTMLElement,
  profile: ProfilePayload,
  byId: Map<number, WebviewFunction>,
  options: { label: string; roots(): GridRow[]; autoExpand?: (rows: GridRow[]) => string[]; help: string; sort?: GridSort },
): { revealAndClick(path: string[]): { ok: boolean; detail: string }; rows(): GridRow[] } {
  const help = el('span', { className: 'hint', text: options.help });
  const table = el('table', { className: 'functions tree', attrs: { role: 'treegrid', 'aria-label': options.label } });
  const thead = el('thead');
  const tbody = el('tbody');
  table.append(thead, tbody);
  panel.append(el('div', { className: 'toolbar' }, help), table);

  let sort: GridSort = options.sort ?? 'total';
  const expanded = new Set<string>();
  const cache = new Map<string, GridRow[]>();
  let roots: GridRow[] | undefined;
  let focusedKey: string | undefined;
  const order = (rows: GridRow[]) => [...rows].sort((a, b) => (sort === 'self' ? b.self - a.self || b.total - a.total : b.total - a.total || b.self - a.self));
  const childrenOf = (row: GridRow) => {
    let c = cache.get(row.key);
    if (!c) cache.set(row.key, (c = row.children()));
    return order(c);
  };
  const getRoots = () => (roots ??= options.roots());

  const headerRow = el('tr');
  const headers: Array<{ label: string; key?: GridSort; numeric: boolean }> = [
    { label: 'Self', key: 'self', numeric: true },
    { label: 'Self %', numeric: true },
    { label: 'Total', key: 'total', numeric: true },
    { label: 'Total %', numeric: true },
    { label: 'Function', numeric: false },
    { label: 'File:line', numeric: false },
  ];
  const sortHeaders: HTMLTableCellElement[] = [];
  for (const h of headers) {
    const th = el('th', { className: h.numeric ? 'num' : '', attrs: { scope: 'col' } });
    if (h.key) {
      const key = h.key;
      const b = el('button', { text: h.label, attrs: { type: 'button', title: `Order siblings by ${h.label.toLowerCase()} time` } });
      b.addEventListener('click', () => {
        sort = key;
        render();
      });
      th.dataset.key = key;
      th.appendChild(b);
      sortHeaders.push(th);
    } else th.textContent = h.label;
    headerRow.appendChild(th);
  }
  thead.appendChild(headerRow);

  const rowEls = new Map<string, HTMLTableRowElement>();
  const parents = new Map<string, string | undefined>();
  const MAX_ROWS = 5000;

  function render(): void {
    for (const th of sortHeaders) {
      if (th.dataset.key === sort) th.setAttribute('aria-sort', 'descending');
      else th.removeAttribute('aria-sort');
    }
    rowEls.clear();
    parents.clear();
    const frag = document.createDocumentFragment();
    let count = 0;
    const stack: Array<{ row: GridRow; depth: number; parent?: string; pos: number; size: number }> = [];
    const top = order(getRoots());
    for (let k = top.length - 1; k >= 0; k--) stack.push({ row: top[k], depth: 0, pos: k + 1, size: top.length });
    while (stack.length && count < MAX_ROWS) {
      const { row, depth, parent, pos, size } = stack.pop()!;
      parents.set(row.key, parent);
      frag.appendChild(rowElement(row, depth, pos, size));
      count++;
      if (row.expandable && expanded.has(row.key)) {
        const kids = childrenOf(row);
        for (let k = kids.length - 1; k >= 0; k--) stack.push({ row: kids[k], depth: depth + 1, parent: row.key, pos: k + 1, size: kids.length });
      }
    }
    if (stack.length) frag.appendChild(el('tr', {}, el('td', { text: `… more rows (collapse some to see others)`, attrs: { colspan: '6' } })));
    tbody.replaceChildren(frag);
    const focus = (focusedKey && rowEls.get(focusedKey)) || (tbody.firstElementChild as HTMLTableRowElement | null);
    if (focus) focus.tabIndex = 0;
  }

  function rowElement(row: GridRow, depth: number, pos: number, size: number): HTMLTableRowElement {
    const f = byId.get(row.fn);
    const isOpen = expanded.has(row.key);
    const tr = el('tr', { attrs: { role: 'row', tabindex: '-1', 'aria-level': String(depth + 1), 'aria-posinset': String(pos), 'aria-setsize': String(size) } });
    if (row.expandable) tr.setAttribute('aria-expanded', String(isOpen));
    tr.dataset.key = row.key;
    tr.dataset.fn = String(row.fn);
    const twisty = el('span', { className: 'twisty', text: row.expandable ? (isOpen ? '▾' : '▸') : '', attrs: { 'aria-hidden': 'true' } });
    twisty.addEventListener('click', (e) => {
      e.stopPropagation();
      toggle(row);
    });
    const name = el('td', { className: 'name' }, twisty, document.createTextNode(f?.name ?? '?'));
    // Deep stacks: indentation slows down after 16 levels so names stay visible.
    name.style.paddingLeft = `${6 + Math.min(depth, 16) * 14 + Math.max(0, depth - 16) * 3}px`;
    name.title = `depth ${depth}`;
    tr.append(
      el('td', { className: 'num', text: ms(row.self) }),
      el('td', { className: 'num', text: pct(row.self, profile.durationMs) }),
      el('td', { className: 'num', text: ms(row.total) }),
      el('td', { className: 'num', text: pct(row.total, profile.durationMs) }),
      name,
      el('td', { className: 'loc', text: f?.location ?? '' }),
    );
    if (!f || f.kind !== 'js') tr.classList.add('nosource');
    tr.title = f?.kind === 'js' ? `${f.url || 'inline script'} — click or Enter: open source; ▸ or →: expand` : 'Native or V8-internal code: no source';
    tr.addEventListener('click', () => {
      focusedKey = row.key;
      post({ type: 'open', fn: row.fn });
    });
    tr.addEventListener('focus', () => (focusedKey = row.key));
    tr.addEventListener('keydown', (e) => keydown(e, row, tr));
    rowEls.set(row.key, tr);
    return tr;
  }

  function toggle(row: GridRow, open?: boolean): void {
    if (!row.expandable) return;
    const now = open ?? !expanded.has(row.key);
    if (now) expanded.add(row.key);
    else expanded.delete(row.key);
    focusedKey = row.key;
    render();
    rowEls.get(row.key)?.focus();
  }

  function move(tr: HTMLTableRowElement | null | undefined): void {
    if (!tr || !tr.dataset.key) return;
    for (const r of rowEls.values()) r.tabIndex = -1;
    tr.tabIndex = 0;
    tr.focus();
  }

  function keydown(e: KeyboardEvent, row: GridRow, tr: HTMLTableRowElement): void {
    switch (e.key) {
      case 'ArrowDown':
        move(tr.nextElementSibling as HTMLTableRowElement | null);
        break;
      case 'ArrowUp':
        move(tr.previousElementSibling as HTMLTableRowElement | null);
        break;
      case 'ArrowRight':
        if (row.expandable && !expanded.has(row.key)) toggle(row, true);
        else if (row.expandable) move(tr.nextElementSibling as HTMLTableRowElement | null);
        break;
      case 'ArrowLeft': {
        if (row.expandable && expanded.has(row.key)) toggle(row, false);
        else {
          const p = parents.get(row.key);
          if (p) move(rowEls.get(p));
        }
        break;
      }
      case 'Home':
        move(tbody.firstElementChild as HTMLTableRowElement | null);
        break;
      case 'End':
        move(tbody.lastElementChild as HTMLTableRowElement | null);
        break;
      case 'Enter':
      case ' ':
        post({ type: 'open', fn: row.fn });
        break;
      case '*':
        for (const c of childrenOf(row)) if (c.expandable) expanded.add(c.key);
        toggle(row, true);
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  let rendered = false;
  const ensure = () => {
    if (rendered) return;
    rendered = true;
    for (const k of options.autoExpand?.(getRoots()) ?? []) expanded.add(k);
    render();
  };
  // Render lazily the first time the panel is shown.
  new MutationObserver(() => {
    if (!panel.hidden) ensure();
  }).observe(panel, { attributes: true, attributeFilter: ['hidden'] });
  if (!panel.hidden) ensure();

  return {
    rows: getRoots,
    revealAndClick(path) {
      ensure();
      // `path` is the chain of row keys from a root to the target.
      for (const k of path.slice(0, -1)) expanded.add(k);
      focusedKey = path[path.length - 1];
      render();
      const tr = rowEls.get(path[path.length - 1]);
      if (!tr) return { ok: false, detail: `row ${path[path.length - 1]} is not shown` };
      move(tr);
      tr.click();
      return { ok: true, detail: `clicked the ${options.label} row of ${byId.get(Number(tr.dataset.fn))?.name}` };
    },
  };
}

function childLists(profile: ProfilePayload): number[][] {
  const { tree } = profile;
  const out: number[][] = Array.from({ length: tree.fn.length }, () => []);
  for (let i = 0; i < tree.fn.length; i++) if (tree.parent[i] >= 0) out[tree.parent[i]].push(i);
  return out;
}

function buildTopDown(panel: HTMLElement, profile: ProfilePayload, byId: Map<number, WebviewFunction>): { click(name: string): { ok: boolean; detail: string } } {
  const { tree } = profile;
  const kids = childLists(profile);
  const rowOf = (i: number): GridRow => ({
    key: `n${i}`,
    fn: tree.fn[i],
    self: tree.selfMs[i],
    total: tree.totalMs[i],
    expandable: kids[i].length > 0,
    children: () => kids[i].map(rowOf),
  });
  const grid = buildTreeGrid(panel, profile, byId, {
    label: 'Top-down call tree',
    help: 'Callers → callees as recorded. Click or Enter: open source · → / ←: expand / collapse · *: expand a level',
    roots: () => tree.parent.map((p, i) => (p < 0 ? i : -1)).filter((i) => i >= 0).map(rowOf),
    // Open the hot path: follow the heaviest child while it keeps most of the time.
    autoExpand: (roots) => {
      const keys: string[] = [];
      let cur = roots.length ? Number(roots.reduce((a, b) => (b.total > a.total ? b : a)).key.slice(1)) : -1;
      for (let depth = 0; cur >= 0 && depth < 60; depth++) {
        keys.push(`n${cur}`);
        const next = kids[cur].reduce((a, b) => (a < 0 || tree.totalMs[b] > tree.totalMs[a] ? b : a), -1);
        if (next < 0 || tree.totalMs[next] < 0.5 * tree.totalMs[cur]) break;
        cur = next;
      }
      return keys;
    },
  });
  return {
    click(name) {
      let best = -1;
      for (let i = 0; i < tree.fn.length; i++) if (byId.get(tree.fn[i])?.name === name && (best < 0 || tree.totalMs[i] > tree.totalMs[best])) best = i;
      if (best < 0) return { ok: false, detail: `no call-tree node named ${name}` };
      const path: string[] = [];
      for (let i = best; i >= 0; i = tree.parent[i]) path.unshift(`n${i}`);
      return grid.revealAndClick(path);
    },
  };
}

function buildBottomUp(panel: HTMLElement, profile: ProfilePayload, byId: Map<number, WebviewFunction>): { click(name: string): { ok: boolean; detail: string } } {
  const { tree } = profile;
  const n = tree.fn.length;
  /** Does node i have an ancestor of the same function (recursion)? */
  const nestedInSelf = (i: number): boolean => {
    for (let p = tree.parent[i]; p >= 0; p = tree.parent[p]) if (tree.fn[p] === tree.fn[i]) return true;
    return false;
  };
  // A bottom-up row holds, for every call path of its root function, the node reached so far
  // (walking up towards the callers) and the root's self and total time on that path.
  const rowOf = (key: string, fn: number, at: number[], selfW: number[], totalW: number[]): GridRow => {
    let self = 0;
    let total = 0;
    for (let k = 0; k < at.length; k++) {
      self += selfW[k];
      total += totalW[k];
    }
    return {
      key,
      fn,
      self,
      total,
      expandable: at.some((i) => tree.parent[i] >= 0),
      children: () => {
        const groups = new Map<number, { at: number[]; selfW: number[]; totalW: number[] }>();
        for (let k = 0; k < at.length; k++) {
          const p = tree.parent[at[k]];
          if (p < 0) continue;
          const f = tree.fn[p];
          let g = groups.get(f);
          if (!g) groups.set(f, (g = { at: [], selfW: [], totalW: [] }));
          g.at.push(p);
          g.selfW.push(selfW[k]);
          g.totalW.push(totalW[k]);
        }
        return [...groups].map(([f, g]) => rowOf(`${key}/${f}`, f, g.at, g.selfW, g.totalW));
      },
    };
  };
  const rootsByFn = new Map<number, GridRow>();
  const roots = (): GridRow[] => {
    const nodesOf = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      if (!(tree.selfMs[i] > 0)) continue;
      let list = nodesOf.get(tree.fn[i]);
      if (!list) nodesOf.set(tree.fn[i], (list = []));
      list.push(i);
    }
    const out: GridRow[] = [];
    for (const [fn, nodes] of nodesOf) {
      const f = byId.get(fn);
      if (f?.kind === 'special' && f.name === '(idle)') continue;
      // Total per path: the root's inclusive time where it is the outermost call of itself.
      const row = rowOf(`f${fn}`, fn, nodes, nodes.map((i) => tree.selfMs[i]), nodes.map((i) => (nestedInSelf(i) ? 0 : tree.totalMs[i])));
      row.total = Math.max(row.self, f?.totalMs ?? row.total);
      rootsByFn.set(fn, row);
      out.push(row);
    }
    return out;
  };
  const grid = buildTreeGrid(panel, profile, byId, {
    label: 'Bottom-up (heaviest functions and their callers)',
    help: 'Functions by their own time; expand to see who called them. Click or Enter: open source · → / ←: expand / collapse',
    roots,
    sort: 'self',
  });
  return {
    click(name) {
      grid.rows();
      const matches = [...rootsByFn.values()].filter((r) => byId.get(r.fn)?.name === name).sort((a, b) => b.self - a.self);
      if (!matches.length) return { ok: false, detail: `no function named ${name} with self time` };
      return grid.revealAndClick([matches[0].key]);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Flame graph (icicle: roots on top). Click a frame to zoom, Ctrl/Cmd+click or Enter to open its
// source, Escape to zoom out, search to highlight.

const ROW = 18;

function buildFlame(panel: HTMLElement, profile: ProfilePayload, byId: Map<number, WebviewFunction>): { draw(): void; click(name: string): { ok: boolean; detail: string } } {
  const { tree } = profile;
  const n = tree.fn.length;
  const search = el('input', { attrs: { type: 'search', placeholder: 'Search functions', 'aria-label': 'Search the flame graph' } });
  const reset = el('button', { text: 'Reset zoom', attrs: { type: 'button' } });
  const info = el('span', { className: 'count' });
  const hint = el('span', { className: 'hint', text: 'Click: zoom · Double-click, Ctrl/Cmd+click or Enter: open source · Arrows: move · Esc: zoom out' });
  const canvas = el('canvas', { attrs: { tabindex: '0', role: 'img', 'aria-label': 'Flame graph of the call tree' } });
  const scroller = el('div', { className: 'flame' }, canvas);
  const tooltip = el('div', { className: 'tooltip', attrs: { role: 'tooltip' } });
  tooltip.hidden = true;
  const focusLabel = el('p', { className: 'focus', attrs: { 'aria-live': 'polite' } });
  panel.append(el('div', { className: 'toolbar' }, search, reset, info, hint), focusLabel, scroller, tooltip);

  // Layout in time units: x0 within the parent's span, depth by parent.
  const x0 = new Float64Array(n);
  const depth = new Int32Array(n);
  const nextChild = new Float64Array(n);
  let rootX = 0;
  let maxDepth = 0;
  for (let i = 0; i < n; i++) {
    const p = tree.parent[i];
    if (p < 0) {
      x0[i] = rootX;
      rootX += tree.totalMs[i];
      depth[i] = 0;
    } else {
      x0[i] = nextChild[p];
      nextChild[p] += tree.totalMs[i];
      depth[i] = depth[p] + 1;
    }
    nextChild[i] = x0[i];
    if (depth[i] > maxDepth) maxDepth = depth[i];
  }
  const byDepth: number[][] = Array.from({ length: maxDepth + 1 }, () => []);
  for (let i = 0; i < n; i++) byDepth[depth[i]].push(i); // pre-order ⇒ sorted by x0 within a depth

  const names = tree.fn.map((id) => byId.get(id)?.name ?? '?');
  const hues = tree.fn.map((id) => {
    const f = byId.get(id);
    if (!f || f.kind === 'special') return -1;
    let h = 0;
    for (let k = 0; k < f.name.length; k++) h = (h * 31 + f.name.charCodeAt(k)) | 0;
    return f.kind === 'native' ? -2 : Math.abs(h) % 50;
  });

  let viewStart = 0;
  let viewEnd = rootX || 1;
  let focused = -1;
  let matches: Uint8Array | null = null;

  const css = getComputedStyle(document.body);
  const fg = css.getPropertyValue('--vscode-editor-foreground').trim() || '#ccc';
  const font = `${css.getPropertyValue('--vscode-editor-font-size').trim() || '12px'} ${css.getPropertyValue('--vscode-font-family').trim() || 'sans-serif'}`;

  function color(i: number): string {
    if (matches) return matches[i] ? 'hsl(210, 90%, 60%)' : 'hsla(0, 0%, 50%, 0.35)';
    const h = hues[i];
    if (h === -1) return 'hsl(0, 0%, 55%)';
    if (h === -2) return 'hsl(180, 25%, 55%)';
    return `hsl(${h}, 85%, ${58 + (h % 7)}%)`;
  }

  function draw(): void {
    if (panel.hidden) return;
    const width = Math.max(100, scroller.clientWidth);
    const height = Math.min(32000, (maxDepth + 1) * ROW);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.floor(width * dpr);
    canvas.height = Math.floor(height * dpr);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = font;
    ctx.textBaseline = 'middle';
    const scale = width / (viewEnd - viewStart);
    for (let i = 0; i < n; i++) {
      const x = (x0[i] - viewStart) * scale;
      const w = tree.totalMs[i] * scale;
      if (w < 0.5 || x + w < 0 || x > width) continue;
      const y = depth[i] * ROW;
      if (y > height) continue;
      const left = Math.max(0, x);
      const right = Math.min(x + w, width);
      ctx.fillStyle = color(i);
      ctx.fillRect(left, y, Math.max(0.5, right - left - 0.5), ROW - 1);
      const room = right - left - 6;
      if (room > 22) {
        ctx.fillStyle = matches && !matches[i] ? fg : '#111';
        ctx.fillText(fit(ctx, names[i], room), left + 3, y + ROW / 2);
      }
      if (i === focused) {
        ctx.strokeStyle = fg;
        ctx.lineWidth = 1.5;
        ctx.strokeRect(left + 0.75, y + 0.75, Math.max(0, right - left - 1.5), ROW - 2.5);
      }
    }
  }

  function fit(ctx: CanvasRenderingContext2D, text: string, room: number): string {
    if (ctx.measureText(text).width <= room) return text;
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.measureText(`${text.slice(0, mid)}…`).width <= room) lo = mid;
      else hi = mid - 1;
    }
    return lo > 0 ? `${text.slice(0, lo)}…` : '';
  }

  function hit(clientX: number, clientY: number): number {
    const rect = canvas.getBoundingClientRect();
    const d = Math.floor((clientY - rect.top) / ROW);
    if (d < 0 || d > maxDepth) return -1;
    const t = viewStart + ((clientX - rect.left) / rect.width) * (viewEnd - viewStart);
    const row = byDepth[d];
    let lo = 0;
    let hi = row.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const i = row[mid];
      if (t < x0[i]) hi = mid - 1;
      else if (t >= x0[i] + tree.totalMs[i]) lo = mid + 1;
      else return i;
    }
    return -1;
  }

  function describe(i: number): string {
    const f = byId.get(tree.fn[i]);
    return `${names[i]}${f?.location ? ` (${f.location})` : ''} — total ${ms(tree.totalMs[i])} (${pct(tree.totalMs[i], profile.durationMs)}), self ${ms(tree.selfMs[i])}`;
  }

  function zoom(i: number): void {
    focused = i;
    if (i < 0) {
      viewStart = 0;
      viewEnd = rootX || 1;
      focusLabel.textContent = '';
    } else {
      viewStart = x0[i];
      viewEnd = x0[i] + Math.max(tree.totalMs[i], 1e-9);
      focusLabel.textContent = `Zoomed to ${describe(i)}`;
    }
    draw();
  }

  const openFrame = (i: number) => post({ type: 'open', fn: tree.fn[i] });
  canvas.addEventListener('click', (e) => {
    const i = hit(e.clientX, e.clientY);
    if (i < 0) return;
    if (e.ctrlKey || e.metaKey) openFrame(i);
    else zoom(i);
  });
  canvas.addEventListener('dblclick', (e) => {
    const i = hit(e.clientX, e.clientY);
    if (i >= 0) openFrame(i);
  });
  canvas.addEventListener('mousemove', (e) => {
    const i = hit(e.clientX, e.clientY);
    if (i < 0) {
      tooltip.hidden = true;
      return;
    }
    tooltip.textContent = describe(i);
    tooltip.hidden = false;
    const pad = 12;
    const maxX = window.innerWidth - tooltip.offsetWidth - pad;
    tooltip.style.left = `${Math.min(e.clientX + pad, Math.max(0, maxX))}px`;
    tooltip.style.top = `${e.clientY + pad}px`;
  });
  canvas.addEventListener('mouseleave', () => (tooltip.hidden = true));
  canvas.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      const parent = focused >= 0 ? tree.parent[focused] : -1;
      zoom(parent);
      e.preventDefault();
    } else if (e.key === 'Enter' && focused >= 0) {
      openFrame(focused);
      e.preventDefault();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      // Keyboard navigation of the tree: down = heaviest child, up = parent, left/right = siblings.
      const cur = focused >= 0 ? focused : byDepth[0][0] ?? -1;
      let next = -1;
      if (e.key === 'ArrowUp') next = tree.parent[cur];
      else if (e.key === 'ArrowDown') next = cur + 1 < n && tree.parent[cur + 1] === cur ? cur + 1 : -1;
      else {
        const row = byDepth[depth[cur]];
        const at = row.indexOf(cur);
        const cand = row[at + (e.key === 'ArrowRight' ? 1 : -1)];
        if (cand !== undefined && tree.parent[cand] === tree.parent[cur]) next = cand;
      }
      if (next >= 0) zoom(next);
      e.preventDefault();
    }
  });
  reset.addEventListener('click', () => zoom(-1));
  let searchTimer: number | undefined;
  search.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => {
      const q = search.value.trim().toLowerCase();
      if (!q) {
        matches = null;
        info.textContent = '';
      } else {
        matches = new Uint8Array(n);
        // Time of matched frames, not counting a match nested inside another match twice.
        const covered = new Uint8Array(n);
        let time = 0;
        let count = 0;
        for (let i = 0; i < n; i++) {
          const p = tree.parent[i];
          const inside = p >= 0 && covered[p] === 1;
          if (names[i].toLowerCase().includes(q)) {
            matches[i] = 1;
            count++;
            if (!inside) time += tree.totalMs[i];
            covered[i] = 1;
          } else covered[i] = inside ? 1 : 0;
        }
        info.textContent = `${count.toLocaleString()} frames match · ${pct(time, profile.durationMs)} of the time`;
      }
      draw();
    }, 120);
  });
  new ResizeObserver(() => draw()).observe(scroller);
  return {
    draw,
    click(name) {
      // The widest frame of that function: zoom to it (a click), then open it (Enter), as a keyboard user would.
      let best = -1;
      for (let i = 0; i < n; i++) if (names[i] === name && (best < 0 || tree.totalMs[i] > tree.totalMs[best])) best = i;
      if (best < 0) return { ok: false, detail: `no frame named ${name}` };
      zoom(best);
      canvas.focus();
      canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      return { ok: true, detail: `opened the flame graph frame of ${name}` };
    },
  };
}

post({ type: 'ready' });
