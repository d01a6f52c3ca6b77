// Entry point of the pure profile model: text or parsed JSON in, Profile out. Used by the heat
// overlay, the profile editor and the CLI. PURE (no vscode, no node: imports).
//
//   parseProfile(text)                 text → Profile (no source maps; what the bench measures)
//   callTreeFromJson / parseCallTree   → CallTree (the neutral form), to remap through source maps
//   openProfileJob(path)               file OR folder (Clinic, 0x) → CallTree, as an I/O job (./open.ts)
//   sourceMapJob(urls) + remapCallTree  generated positions → original (.ts) positions (./sourcemap.ts)
//   buildProfile(tree)                 CallTree → Profile (aggregates)
import { callTreeFromJson, profileFromTree } from './convert';
import { importProfileText } from './open';
import type { CallTree, ImportOptions, Profile } from './types';

export * from './types';
export { importers, callTreeFromJson, clinicDoctorError, profileFromTree } from './convert';
export { ProfileError, isProfileError, type ProfileErrorCode, type TextPosition } from './errors';
export { buildProfile } from './build';
export { describeJson } from './detect';
export { parseJsonText, locateJsonError, positionAt } from './json';
export type { ProfileImporter } from './importers/importer';
export { importCpuProfile } from './importers/cpuprofile';
export { importLegacyCpuProfile } from './importers/legacyCpuprofile';
export { importChromeTrace } from './importers/chromeTrace';
export { importTicks, parseV8FrameName } from './importers/ticks';
export { importSpeedscope } from './importers/speedscope';
export { importV8Log, isV8Log } from './importers/v8log';
export { classifyProfileUrl, bestSuffixMatch, applyPathMappings, pathMappingsFrom, type ProfileLocation, type PathMapping } from './paths';
export { topFunctions, functionsInFile, formatMs, topCallers, busyMs, childrenOf } from './query';
export { remapCallTree, sourceMapJob, mappableUrls, createMappedScript, originalPosition, findSourceMappingUrl, decodeDataUrl, type MappedScript } from './sourcemap';
export { openProfileJob, importProfileText, withInlineImport, type OpenedProfile, type OpenOptions } from './open';
export { runJobSync, runJobAsync, CancelledError, joinPath, baseNameOf, type IoJob, type IoRequest, type IoReply, type ScriptReply, type StatReply, type IoHandlerSync, type IoHandlerAsync } from './io';

/** Parsed JSON → Profile. Throws ProfileError saying what the value is when it is not a CPU profile. */
export function profileFromJson(value: unknown, options: ImportOptions = {}): Profile {
  return profileFromTree(callTreeFromJson(value, options));
}

/** File text (JSON, or a V8 --prof log) → CallTree (JSON errors say where the text broke). */
export function parseCallTree(text: string, options: ImportOptions = {}): CallTree {
  return importProfileText(text, options);
}

/** File text → Profile (JSON errors say where the text broke). */
export function parseProfile(text: string, options: ImportOptions = {}): Profile {
  return profileFromTree(importProfileText(text, options));
}
