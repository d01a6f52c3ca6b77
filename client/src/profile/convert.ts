// Parsed JSON → CallTree through the importer registry, and CallTree → Profile. PURE.
import { buildProfile } from './build';
import { describeJson } from './detect';
import { ProfileError } from './errors';
import { chromeTraceImporter } from './importers/chromeTrace';
import { cpuProfileImporter } from './importers/cpuprofile';
import type { ProfileImporter } from './importers/importer';
import { legacyCpuProfileImporter } from './importers/legacyCpuprofile';
import { speedscopeImporter } from './importers/speedscope';
import { ticksImporter } from './importers/ticks';
import type { CallTree, ImportOptions, Profile } from './types';

/** Every importer, tried in order (the first whose `detect` accepts the value imports it). */
export const importers: readonly ProfileImporter[] = [cpuProfileImporter, legacyCpuProfileImporter, chromeTraceImporter, speedscopeImporter, ticksImporter];

/** Parsed JSON → CallTree. Throws ProfileError saying what the value is when it is not a CPU profile. */
export function callTreeFromJson(value: unknown, options: ImportOptions = {}): CallTree {
  if (/clinic-doctor/i.test(options.fileName ?? '')) throw clinicDoctorError();
  const importer = importers.find((i) => i.detect(value));
  if (!importer) {
    const d = describeJson(value);
    if (d?.cpuProfileFormat) throw new ProfileError('unsupported-format', `It looks like ${d.what}, which PerfLens cannot import yet.${d.hint ? ` ${d.hint}` : ''}`, { detected: d.what });
    throw new ProfileError('not-cpu-profile', `It is not a CPU profile: it looks like ${d?.what ?? 'something else'}.${d?.hint ? ` ${d.hint}` : ''}`, {
      detected: d?.what,
    });
  }
  return importer.import(value, options);
}

/** The answer to Clinic.js doctor output (a folder or one of its files). */
export function clinicDoctorError(): ProfileError {
  return new ProfileError(
    'not-cpu-profile',
    'It is Clinic.js doctor output: doctor data has no code positions (only CPU, memory, event-loop delay and handle counts). Use `clinic flame` or `node --cpu-prof` to record where the time goes.',
    { detected: 'Clinic.js doctor output' },
  );
}

/** CallTree → Profile, refusing profiles without any time. */
export function profileFromTree(tree: CallTree): Profile {
  const profile = buildProfile(tree);
  if (profile.sampleCount === 0 || profile.durationMs <= 0) throw new ProfileError('empty-profile', 'The profile is empty: no sample has any duration.');
  return profile;
}

