// Plain JavaScript on purpose: it must run on any Node to say which one the uploader needs, where
// an older Node would fail on the TypeScript sources with an error about the loader.
import { pathToFileURL } from 'node:url';

const NEEDED = [22, 12];

/** What is wrong with this Node version for the uploader, or null when it will do. */
export function nodeVersionProblem(version) {
  const [major, minor] = version.split('.').map(Number);
  if (major > NEEDED[0] || (major === NEEDED[0] && minor >= NEEDED[1])) return null;
  return `Node ≥ ${NEEDED.join('.')} is needed, this is ${version}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const problem = nodeVersionProblem(process.versions.node);
  if (problem !== null) {
    process.stderr.write(
      `recording-uploader: ${problem} (${process.execPath}). Install a newer Node (https://nodejs.org) or put one first on PATH.\n`,
    );
    process.exit(1);
  }
}
