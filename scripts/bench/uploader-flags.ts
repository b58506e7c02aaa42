import { CORE_RUNTIME_FLAGS } from '../../src-main/core-process/core-runtime-flags.ts';

let cpuProfileDir: string | null = null;

/** `--cpu-prof DIR`: every uploader process the bench starts writes a V8 CPU profile into DIR. */
export function profileUploadersInto(dir: string): void {
  cpuProfileDir = dir;
}

/** The Node flags an uploader process starts with: the shipped ones, plus profiling if asked. */
export function uploaderFlags(): string[] {
  const profile = cpuProfileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`];
  return [...CORE_RUNTIME_FLAGS, ...profile];
}
