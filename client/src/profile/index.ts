// Entry point of the pure profile model: text or parsed JSON in, Profile out. Used by the heat
// overlay, the profile editor and the CLI. PURE (no vscode, no node: imports).
import { buildProfile } from './build';
import { describeJson } from './detect';
import { ProfileError } from './errors';
import { cpuProfileImporter } from './importers/cpuprofile';
import type { ProfileImporter } from './importers/importer';
import { legacyCpuProfileImporter } from './importers/legacyCpuprofile';
import { parseJsonText } from './json';
import type { Profile } from './types';

export * from './types';
export { ProfileError, isProfileError, type ProfileErrorCode, type TextPosition } from './errors';
export { buildProfile } from './build';
export { describeJson } from './detect';
export { parseJsonText, locateJsonError, positionAt } from './json';
export type { ProfileImporter } from './importers/importer';
export { importCpuProfile } from './importers/cpuprofile';
export { importLegacyCpuProfile } from './importers/legacyCpuprofile';
export { classifyProfileUrl, bestSuffixMatch, type ProfileLocation } from './paths';
export { topFunctions, functionsInFile, formatMs } from './query';

/** Every importer, tried in order. */
export const importers: readonly ProfileImporter[] = [cpuProfileImporter, legacyCpuProfileImporter];

/** Parsed JSON → Profile. Throws ProfileError saying what the value is when it is not a CPU profile. */
export function profileFromJson(value: unknown): Profile {
  const importer = importers.find((i) => i.detect(value));
  if (!importer) {
    const d = describeJson(value);
    if (d?.cpuProfileFormat) throw new ProfileError('unsupported-format', `It looks like ${d.what}, which PerfLens cannot import yet.${d.hint ? ` ${d.hint}` : ''}`, { detected: d.what });
    throw new ProfileError('not-cpu-profile', `It is not a CPU profile: it looks like ${d?.what ?? 'something else'}.${d?.hint ? ` ${d.hint}` : ''}`, {
      detected: d?.what,
    });
  }
  const profile = buildProfile(importer.import(value));
  if (profile.sampleCount === 0 || profile.durationMs <= 0) throw new ProfileError('empty-profile', 'The profile is empty: no sample has any duration.');
  return profile;
}

/** File text → Profile (JSON errors say where the text broke). */
export function parseProfile(text: string): Profile {
  return profileFromJson(parseJsonText(text));
}
