// JSON parsing that says where a broken file broke (line and column), for error messages.
// PURE. The locator is iterative (no recursion), so deeply nested input cannot overflow it.
import { ProfileError, type TextPosition } from './errors';

/** Parses JSON text; throws ProfileError('empty-file' | 'not-json') with the position of the problem. */
export function parseJsonText(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // BOM
  if (body.trim() === '') throw new ProfileError('empty-file', 'The file is empty.');
  const binary = describeBinary(body);
  if (binary) throw new ProfileError(binary.code, binary.message, { detected: binary.what });
  try {
    return JSON.parse(body);
  } catch (e) {
    const found = locateJsonError(body);
    const engine = e instanceof Error ? e.message : String(e);
    if (found) {
      const pos = positionAt(body, found.offset);
      throw new ProfileError('not-json', `It is not valid JSON: ${found.reason} at line ${pos.line}, column ${pos.column}${snippet(body, found.offset)}.`, {
        position: pos,
      });
    }
    // The locator found nothing wrong but the engine did: report the engine's own position if it gave one.
    const m = /position (\d+)/.exec(engine);
    const pos = m ? positionAt(body, Number(m[1])) : undefined;
    throw new ProfileError('not-json', `It is not valid JSON: ${engine}${pos ? ` (line ${pos.line}, column ${pos.column})` : ''}.`, { position: pos });
  }
}

/** Recognises binary files (gzip, protobuf, zip …) that were decoded as text. */
function describeBinary(text: string): { code: 'unsupported-format' | 'not-cpu-profile'; what: string; message: string } | undefined {
  const c0 = text.charCodeAt(0);
  const c1 = text.charCodeAt(1);
  if (c0 === 0x1f && (c1 === 0x8b || c1 === 0xfffd))
    return {
      code: 'unsupported-format',
      what: 'a gzip-compressed file',
      message: 'It is a gzip-compressed file, not JSON (pprof profiles look like this; PerfLens cannot import pprof yet). If it is a compressed .cpuprofile or trace, unzip it first.',
    };
  if (text.startsWith('PK\u0003\u0004')) return { code: 'not-cpu-profile', what: 'a zip archive', message: 'It is a zip archive, not a profile: extract it first.' };
  let control = 0;
  const n = Math.min(text.length, 512);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  if (n > 0 && control / n > 0.1) return { code: 'not-cpu-profile', what: 'a binary file', message: 'It is a binary file, not a JSON profile (PerfLens reads .cpuprofile, trace, speedscope, Clinic flame and 0x files).' };
  return undefined;
}

/** 1-based line and column of a 0-based offset. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: end - lineStart + 1 };
}

function snippet(text: string, offset: number): string {
  if (offset >= text.length) return '';
  const raw = text.slice(offset, offset + 16).split(/\r?\n/)[0];
  if (!raw) return '';
  const shown = raw.length > 12 ? `${raw.slice(0, 12)}…` : raw;
  return ` (near ${JSON.stringify(shown)})`;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Finds the first syntax error in `text` (RFC 8259 JSON). Returns undefined when the text is valid.
 * Only called after JSON.parse failed, so it favours clear messages over speed.
 */
export function locateJsonError(text: string): { offset: number; reason: string } | undefined {
  const n = text.length;
  let i = 0;
  // Container stack: '{' or '['. `expect` says what may come next.
  const stack: number[] = [];
  type Expect = 'value' | 'value-or-close' | 'key-or-close' | 'key' | 'colon' | 'comma-or-close' | 'end';
  let expect: Expect = 'value';
  const skipWs = () => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  const afterValue = (): Expect => (stack.length === 0 ? 'end' : 'comma-or-close');
  const closer = () => (stack[stack.length - 1] === 0x7b ? '}' : ']');

  while (true) {
    skipWs();
    if (i >= n) {
      if (expect === 'end') return undefined;
      return { offset: n, reason: stack.length ? `the file ends before the closing '${closer()}'` : 'the file ends too early' };
    }
    const c = text.charCodeAt(i);
    switch (expect) {
      case 'end':
        return { offset: i, reason: 'unexpected text after the end of the JSON value' };
      case 'colon':
        if (c !== 0x3a) return { offset: i, reason: "expected ':' after a property name" };
        i++;
        expect = 'value';
        continue;
      case 'comma-or-close':
        if (c === 0x2c) {
          i++;
          expect = stack[stack.length - 1] === 0x7b ? 'key' : 'value';
          continue;
        }
        if ((c === 0x7d && stack[stack.length - 1] === 0x7b) || (c === 0x5d && stack[stack.length - 1] === 0x5b)) {
          stack.pop();
          i++;
          expect = afterValue();
          continue;
        }
        return { offset: i, reason: `expected ',' or '${closer()}'` };
      case 'key-or-close':
      case 'key':
        if (c === 0x7d && expect === 'key-or-close') {
          stack.pop();
          i++;
          expect = afterValue();
          continue;
        }
        if (c !== 0x22) return { offset: i, reason: expect === 'key' && c === 0x7d ? 'trailing comma before }' : 'expected a double-quoted property name' };
        {
          const err = scanString();
          if (err) return err;
        }
        expect = 'colon';
        continue;
      case 'value-or-close':
      case 'value': {
        if (c === 0x5d && expect === 'value-or-close') {
          stack.pop();
          i++;
          expect = afterValue();
          continue;
        }
        if (c === 0x7b) {
          stack.push(c);
          i++;
          expect = 'key-or-close';
          continue;
        }
        if (c === 0x5b) {
          stack.push(c);
          i++;
          expect = 'value-or-close';
          continue;
        }
        if (c === 0x22) {
          const err = scanString();
          if (err) return err;
          expect = afterValue();
          continue;
        }
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
          const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
          if (!m || m[0] === '-') return { offset: i, reason: 'invalid number' };
          i += m[0].length;
          expect = afterValue();
          continue;
        }
        const word = /^(true|false|null)/.exec(text.slice(i, i + 5));
        if (word) {
          i += word[0].length;
          expect = afterValue();
          continue;
        }
        if (c === 0x5d) return { offset: i, reason: 'trailing comma before ]' };
        return { offset: i, reason: 'expected a JSON value' };
      }
    }
  }

  function scanString(): { offset: number; reason: string } | undefined {
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c === 0x5c) {
        const e = text.charCodeAt(i + 1);
        if (e === 0x75) {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, reason: 'invalid \\u escape in a string' };
          i += 6;
          continue;
        }
        if ('"\\/bfnrt'.includes(text[i + 1] ?? '')) {
          i += 2;
          continue;
        }
        return { offset: i, reason: 'invalid escape in a string' };
      }
      if (c < 0x20) return { offset: i, reason: 'unescaped control character (such as a line break) in a string' };
      i++;
    }
    return { offset: start, reason: 'a string is not closed' };
  }
}
