/**
 * The Node/V8 flags every uploader process starts with: the desktop app's core process, the
 * headless host (`npm run headless`) and the benchmark's uploaders. Over a long upload V8 grows
 * its young generation, up to 16 MB per semi-space after a few GiB, and the resident set grows
 * with it (docs/benchmarks.md). Capped at 1 MB, the peak stays flat whatever the file size, with
 * no measurable cost in throughput. V8 reads it only at start: set at run time it does nothing.
 */
export const CORE_RUNTIME_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
