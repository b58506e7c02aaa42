import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_FOLDER_NAME } from '../../src-main/core/destinations/gdrive/drive-folders.ts';
import { en } from '../../src-renderer/i18n/en.ts';
import { ptBR } from '../../src-renderer/i18n/pt-br.ts';

const guide = readFileSync(resolve(import.meta.dirname, '../../docs/google-drive-setup.md'), 'utf8');
/** The guide's prose with its line breaks and Markdown emphasis taken out, as a reader sees it. */
const guideText = guide.replace(/\s+/g, ' ').replace(/\*\*|`/g, '');

/**
 * The Google Drive access choice has consequences an operator must read before choosing: the UI
 * (both languages) and docs/google-drive-setup.md say the same thing, and the guide names the UI's
 * controls by the words the UI shows.
 */
describe('the Drive access choice, as the UI and the set-up guide explain it', () => {
  it("the guide names the card's and the settings' controls by their English words", () => {
    for (const key of [
      'drive.scope',
      'setting.googleDriveScope',
      'option.googleDriveScope.drive.file',
      'option.googleDriveScope.drive',
    ] as const) {
      expect(guideText, key).toContain(en[key]);
    }
  });

  it('drive.file: only what the uploader created, its own folder, and the folder browser showing only those', () => {
    expect(en['drive.scopeHelp.drive.file']).toMatch(/^Recommended\./);
    expect(en['drive.scopeHelp.drive.file']).toContain('only the folders and files it created');
    expect(en['drive.scopeHelp.drive.file']).toContain(`/${APP_FOLDER_NAME}`);
    expect(en['drive.scopeHelp.drive.file']).toContain('folder browser lists only the folders it made');
    expect(ptBR['drive.scopeHelp.drive.file']).toMatch(/^Recomendado\./);
    expect(ptBR['drive.scopeHelp.drive.file']).toContain(`/${APP_FOLDER_NAME}`);
    expect(ptBR['drive.scopeHelp.drive.file']).toContain('navegador de pastas mostra só as pastas');
    expect(guideText).toContain('the uploader sees only the folders and files it created itself');
    expect(guideText).toContain(`It makes its own folder, /${APP_FOLDER_NAME}, and uploads into it`);
    expect(guideText).toContain('its folder browser lists only the folders it made');
  });

  it("drive: everything in the account, and Google's verification review outside a Workspace organisation", () => {
    expect(en['drive.scopeHelp.drive']).toContain('see and change everything in the Google account');
    expect(en['drive.scopeHelp.drive']).toContain('Google Workspace organisation');
    expect(en['drive.scopeHelp.drive']).toContain('verification review');
    expect(ptBR['drive.scopeHelp.drive']).toContain('ver e alterar tudo na conta Google');
    expect(ptBR['drive.scopeHelp.drive']).toContain('Google Workspace');
    expect(ptBR['drive.scopeHelp.drive']).toContain('revisão de verificação');
    expect(guideText).toContain('the uploader can see and change everything in the Google account');
    expect(guideText).toContain('limited to your Google Workspace organisation');
    expect(guideText).toContain('verification review');
  });

  it('switching needs a new sign-in, on the card, in the settings and in the guide', () => {
    expect(en['drive.scopeSwitch']).toContain('switching needs Google Drive to be connected again');
    expect(ptBR['drive.scopeSwitch']).toContain('conectar o Google Drive de novo');
    expect(en['setting.googleDriveScope.help']).toContain('Switching needs a new sign-in');
    expect(ptBR['setting.googleDriveScope.help']).toContain('exige um novo login');
    expect(en['setting.googleDriveScope.help']).toContain('verification review');
    expect(ptBR['setting.googleDriveScope.help']).toContain('revisão de verificação');
    expect(guideText).toContain('Switching needs a new sign-in');
  });
});
