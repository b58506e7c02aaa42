import { join } from 'node:path';
import { Menu, type MenuItemConstructorOptions, nativeImage, Tray } from 'electron';
import type { TrayAction, TrayMenuEntry } from './tray-menu.ts';
import type { TrayState } from './tray-state.ts';

/** The tray icon: one picture per state, a tooltip, and the menu the model describes. */
export class AppTray {
  readonly #tray: Tray;
  readonly #iconsDir: string;
  readonly #onAction: (action: TrayAction) => void;
  #state: TrayState | null = null;

  constructor(iconsDir: string, onAction: (action: TrayAction) => void, onClick: () => void) {
    this.#iconsDir = iconsDir;
    this.#onAction = onAction;
    this.#tray = new Tray(this.#icon('idle'));
    this.#tray.on('click', onClick);
  }

  update(state: TrayState, tooltip: string, menu: readonly TrayMenuEntry[]): void {
    if (state !== this.#state) this.#tray.setImage(this.#icon(state));
    this.#state = state;
    this.#tray.setToolTip(tooltip);
    this.#tray.setContextMenu(Menu.buildFromTemplate(menu.map((entry) => this.#item(entry))));
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #item(entry: TrayMenuEntry): MenuItemConstructorOptions {
    if (entry.type === 'separator') return { type: 'separator' };
    if (entry.type === 'status') return { label: entry.label, enabled: false };
    return { label: entry.label, enabled: entry.enabled, click: () => this.#onAction(entry.action) };
  }

  /** tray-STATE.png, with its tray-STATE@2x.png beside it for high-DPI screens. */
  #icon(state: TrayState) {
    return nativeImage.createFromPath(join(this.#iconsDir, `tray-${state}.png`));
  }
}
