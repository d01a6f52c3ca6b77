// PerfLens profile editor webview: summary, a sortable/filterable function table and a flame
// graph (canvas, zoom + search). Bundled by esbuild as a browser IIFE into dist/media.
// Everything from the profile is untrusted text: it is only ever set with textContent.
import type { HostMessage, ProfilePayload, WebviewFunction, WebviewMessage } from '../../client/src/editor/protocol';

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
  }
});

// ---------------------------------------------------------------------------------------------
// Layout

function render(profile: ProfilePayload): void {
  const summary = el('p', {
    className: 'summary',
    text: `${profile.format} · ${ms(profile.durationMs)} · ${profile.sampleCount.toLocaleString()} samples${profile.idleMs > 0 ? ` · ${pct(profile.idleMs, profile.durationMs)} idle` : ''} · ${profile.functions.length.toLocaleString()} functions`,
  });
  const heatButton = el('button', { text: 'Show heat in editors', attrs: { type: 'button', title: 'Shade source lines in the editors by self time' } });
  heatButton.addEventListener('click', () => post({ type: 'showHeat' }));
  const header = el('header', {}, el('div', {}, el('h1', { text: profile.name }), summary), heatButton);

  const warnings = el('div', { className: 'warnings' });
  for (const w of profile.warnings) warnings.appendChild(el('p', { text: `Note: ${w}` }));

  const tableTab = el('button', { text: 'Functions', attrs: { role: 'tab', id: 'tab-table', 'aria-controls': 'panel-table', type: 'button' } });
  const flameTab = el('button', { text: 'Flame graph', attrs: { role: 'tab', id: 'tab-flame', 'aria-controls': 'panel-flame', type: 'button' } });
  const tabs = el('div', { className: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Views' } }, tableTab, flameTab);
  const tablePanel = el('section', { attrs: { role: 'tabpanel', id: 'panel-table', 'aria-labelledby': 'tab-table' } });
  const flamePanel = el('section', { attrs: { role: 'tabpanel', id: 'panel-flame', 'aria-labelledby': 'tab-flame' } });

  app.replaceChildren(header, warnings, tabs, tablePanel, flamePanel);
  const byId = new Map(profile.functions.map((f) => [f.id, f]));
  buildTable(tablePanel, profile);
  const flame = buildFlame(flamePanel, profile, byId);

  const state = (vscode.getState() as { tab?: string } | undefined) ?? {};
  const select = (which: 'table' | 'flame', focus = false) => {
    const isTable = which === 'table';
    tableTab.setAttribute('aria-selected', String(isTable));
    flameTab.setAttribute('aria-selected', String(!isTable));
    tableTab.tabIndex = isTable ? 0 : -1;
    flameTab.tabIndex = isTable ? -1 : 0;
    tablePanel.hidden = !isTable;
    flamePanel.hidden = isTable;
    if (!isTable) flame.draw();
    if (focus) (isTable ? tableTab : flameTab).focus();
    vscode.setState({ ...state, tab: which });
  };
  tableTab.addEventListener('click', () => select('table'));
  flameTab.addEventListener('click', () => select('flame'));
  tabs.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      select(tableTab.getAttribute('aria-selected') === 'true' ? 'flame' : 'table', true);
      e.preventDefault();
    }
  });
  select(state.tab === 'flame' ? 'flame' : 'table');
}

// ---------------------------------------------------------------------------------------------
// Function table

type SortKey = 'selfMs' | 'totalMs' | 'name' | 'location';
const PAGE = 300;

function buildTable(panel: HTMLElement, profile: ProfilePayload): void {
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
}

// ---------------------------------------------------------------------------------------------
// Flame graph (icicle: roots on top). Click a frame to zoom, Ctrl/Cmd+click or Enter to open its
// source, Escape to zoom out, search to highlight.

const ROW = 18;

function buildFlame(panel: HTMLElement, profile: ProfilePayload, byId: Map<number, WebviewFunction>): { draw(): void } {
  const { tree } = profile;
  const n = tree.fn.length;
  const search = el('input', { attrs: { type: 'search', placeholder: 'Search functions', 'aria-label': 'Search the flame graph' } });
  const reset = el('button', { text: 'Reset zoom', attrs: { type: 'button' } });
  const info = el('span', { className: 'count' });
  const hint = el('span', { className: 'hint', text: 'Click: zoom · Ctrl/Cmd+click or Enter: open source · Esc: zoom out' });
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

  canvas.addEventListener('click', (e) => {
    const i = hit(e.clientX, e.clientY);
    if (i < 0) return;
    if (e.ctrlKey || e.metaKey) post({ type: 'open', fn: tree.fn[i] });
    else zoom(i);
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
      post({ type: 'open', fn: tree.fn[focused] });
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
  return { draw };
}

post({ type: 'ready' });
