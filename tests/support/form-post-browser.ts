/**
 * Stands in for the system browser in a sign-in: follows the authorize redirect to the identity
 * provider's sign-in page and submits the page's self-posting form, exactly as a browser runs
 * its `document.forms[0].submit()`. Uses a fetch that trusts the identity provider's test CA.
 */
export interface BrowserVisit {
  /** The text the app's loopback listener answered the form post with. */
  landedOn: string;
  status: number;
  formAction: string;
}

export async function visitSignIn(url: string, fetchImpl: typeof fetch): Promise<BrowserVisit> {
  const page = await fetchImpl(url, { redirect: 'follow' });
  const html = await page.text();
  if (!page.ok) throw new Error(`the sign-in page answered ${page.status}: ${html.slice(0, 300)}`);
  const form = /<form[^>]*method="POST"[^>]*action="([^"]+)"/i.exec(html);
  if (form?.[1] === undefined) throw new Error(`the sign-in page has no form to post: ${html.slice(0, 300)}`);
  const action = unescapeHtml(form[1]);
  const fields = new URLSearchParams();
  for (const input of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields.append(unescapeHtml(input[1] as string), unescapeHtml(input[2] as string));
  }
  const answer = await fetchImpl(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  });
  return { landedOn: await answer.text(), status: answer.status, formAction: action };
}

function unescapeHtml(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}
