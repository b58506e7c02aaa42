import { describe, expect, it } from 'vitest';
import {
  isIgnoredFileName,
  isSidecarCandidateName,
  isVideoFileName,
  normaliseExtensions,
  stemOf,
} from '../../src-main/core/watcher/recording-files.ts';

const VIDEO = normaliseExtensions(['mp4', 'MKV', '.webm']);

describe('recording file rules', () => {
  it('knows a video by its extension, whatever its case', () => {
    expect(isVideoFileName('a.mp4', VIDEO)).toBe(true);
    expect(isVideoFileName('A.MP4', VIDEO)).toBe(true);
    expect(isVideoFileName('clip.mkv', VIDEO)).toBe(true);
    expect(isVideoFileName('clip.WebM', VIDEO)).toBe(true);
    expect(isVideoFileName('/some/folder/séance 日本.mp4', VIDEO)).toBe(true);
    expect(isVideoFileName('a.avi', VIDEO)).toBe(false);
    expect(isVideoFileName('mp4', VIDEO)).toBe(false);
    expect(isVideoFileName('a.mp4', ['MP4'])).toBe(true);
  });

  it('ignores partial, temporary, owner and hidden files', () => {
    for (const name of [
      'a.mp4.part',
      'a.PART',
      'a.tmp',
      'a.mp4.crdownload',
      '~$a.mp4',
      '.a.mp4',
      '.DS_Store',
    ]) {
      expect(isIgnoredFileName(name), name).toBe(true);
      expect(isVideoFileName(name, VIDEO), name).toBe(false);
    }
    expect(isIgnoredFileName('a.mp4')).toBe(false);
    expect(isIgnoredFileName('partial.mp4')).toBe(false);
    expect(isIgnoredFileName('a~$b.mp4')).toBe(false);
  });

  it('takes any non-temporary .json as a sidecar candidate', () => {
    expect(isSidecarCandidateName('a_metadata.json')).toBe(true);
    expect(isSidecarCandidateName('A.JSON')).toBe(true);
    expect(isSidecarCandidateName('a.json.tmp')).toBe(false);
    expect(isSidecarCandidateName('.a.json')).toBe(false);
    expect(isSidecarCandidateName('a.mp4')).toBe(false);
  });

  it('names a recording by its file name without the last extension', () => {
    expect(stemOf('/x/session_1.mp4')).toBe('session_1');
    expect(stemOf('archive.tar.mp4')).toBe('archive.tar');
    expect(stemOf('plain')).toBe('plain');
  });
});
