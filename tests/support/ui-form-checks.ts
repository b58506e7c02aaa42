import type { Locator, Page } from 'playwright-core';

/**
 * The names of the primary buttons shown now: a screen with one obvious thing to do has one. The
 * class is the look the operator sees (filled, in the accent colour), so it is what is counted.
 */
export async function primaryButtons(page: Page): Promise<string[]> {
  return page.locator('.btn-primary:visible').allInnerTexts();
}

/** What the check reads of a field in the page (the tests are compiled without the DOM's types). */
interface FieldInPage {
  tagName: string;
  type: string;
  placeholder: string;
  labels: ArrayLike<{
    textContent: string | null;
    querySelectorAll(selector: string): ArrayLike<unknown>;
  }> | null;
}

/**
 * Every field shown that has no label of its own: none at all, a label it shares with another
 * field, or a label whose words another field's label also has. Each entry names the field.
 */
export function fieldsWithoutOwnLabel(page: Page): Promise<string[]> {
  return page.locator('input:visible, select:visible, textarea:visible').evaluateAll((elements) => {
    const fields = elements as unknown as FieldInPage[];
    const words = (field: FieldInPage) =>
      Array.from(field.labels ?? [], (label) => label.textContent?.trim() ?? '').join(' ');
    const seen = new Map<string, number>();
    for (const field of fields) seen.set(words(field), (seen.get(words(field)) ?? 0) + 1);
    return fields
      .filter((field) => {
        const labels = Array.from(field.labels ?? []);
        if (labels.length === 0 || words(field) === '') return true;
        const shared = labels.some((label) => label.querySelectorAll('input, select, textarea').length > 1);
        return shared || (seen.get(words(field)) ?? 0) > 1;
      })
      .map((field) => `${field.tagName.toLowerCase()}[${field.type}] "${words(field) || field.placeholder}"`);
  });
}

/** Whether a field has the focus and is inside the window, where the operator sees it. */
export function isFocusedInView(field: Locator): Promise<boolean> {
  return field.evaluate((element) => {
    const shown = element as unknown as {
      ownerDocument: { activeElement: unknown; defaultView: { innerHeight: number } | null };
      getBoundingClientRect(): { top: number; bottom: number };
    };
    const box = shown.getBoundingClientRect();
    const height = shown.ownerDocument.defaultView?.innerHeight ?? 0;
    return shown.ownerDocument.activeElement === element && box.top >= 0 && box.bottom <= height;
  });
}

/**
 * How long a check of the page's look waits for it to settle: React applies what a keystroke
 * changes in more than one render (a form tells the screen around it in an effect).
 */
export const SETTLED = { timeout: 5000, interval: 50 } as const;
