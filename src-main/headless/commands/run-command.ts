import { readFile } from 'node:fs/promises';
import { MANAGED_REASON } from '../../../src-shared/policy.ts';
import { applySettings, type SettingName, type Settings } from '../../../src-shared/settings.ts';
import type { PolicyRules } from '../../core/policy/policy-rules.ts';
import { checkNewFolder, Uploader } from '../../core/uploader.ts';
import { dataPaths } from '../../node-host/data-dir.ts';
import { acquireInstanceLock } from '../../node-host/instance-lock.ts';
import { openNodeHost } from '../../node-host/node-host.ts';
import { type CliArgs, expectOptions, stringOption, UsageError } from '../cli-args.ts';
import { destinationLabel } from '../destination-lines.ts';
import { startWebUi, WEB_UI_OPTIONS, webUiRequest } from '../web-ui/web-ui-option.ts';
import type { WebUiServer } from '../web-ui/web-ui-server.ts';

const STOP_DEADLINE_MS = 9000;

/** Runs until SIGINT/SIGTERM, then stops within 10 s with everything persisted. */
export async function runCommand(args: CliArgs, dataDir: string, policy: PolicyRules): Promise<number> {
  expectOptions(args, ['data-dir', 'settings', ...WEB_UI_OPTIONS]);
  // Listened for from the start: a stop asked for while starting (a service manager's SIGTERM)
  // is carried out once started, rather than killing the process half-way through its start.
  const stopAsked = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const webUiAsked = webUiRequest(args);
  const overrides = await readOverrides(stringOption(args, 'settings'), policy);
  // A recordings folder the settings file names must be there to watch: a typo is named at once.
  try {
    checkNewFolder(overrides.recordingsFolder, '');
  } catch (error) {
    throw new UsageError(`settings file: ${error instanceof Error ? error.message : String(error)}`);
  }
  const lock = acquireInstanceLock(dataPaths(dataDir).lock);
  const host = openNodeHost(dataDir, (line) => process.stdout.write(`${line}\n`));
  let uploader: Uploader;
  let webUi: WebUiServer | null = null;
  let webUiNotice: string | null = null;
  try {
    uploader = new Uploader({ host: host.services, db: host.db, overrides, policy });
    if (webUiAsked !== null) {
      const started = await startWebUi(webUiAsked, uploader, dataDir);
      webUi = started.server;
      webUiNotice = started.notice;
    }
    await uploader.start();
  } catch (error) {
    await webUi?.close();
    await host.close();
    lock.release();
    throw error;
  }
  const { settings } = uploader;
  process.stdout.write(
    `Watching ${settings.recordingsFolder || '(no recordings folder set)'}; uploading to ${destinationLabel(settings)}${settings.uploadsPaused ? ' (paused)' : ''}. Data: ${dataDir}\n`,
  );
  if (webUiNotice !== null) process.stderr.write(`${webUiNotice}\n`);
  if (webUi !== null) process.stdout.write(`Web UI: ${webUi.url}\n`);
  const stopped = policy.stopsUploads;
  if (stopped !== null) process.stderr.write(`${stopped}\n`);
  await stopAsked;
  process.stdout.write('Stopping…\n');
  await webUi?.close();
  const deadline = new Promise<'late'>((resolve) => setTimeout(resolve, STOP_DEADLINE_MS, 'late').unref());
  const outcome = await Promise.race([uploader.stop().then(() => 'stopped' as const), deadline]);
  if (outcome === 'late')
    process.stderr.write('Transfers did not stop in time; they resume at the next start.\n');
  await host.close();
  lock.release();
  return 0;
}

/**
 * The settings a `--settings FILE` lays over the saved ones for one command, validated. A setting
 * the machine's policy locks may not be changed this way either (exit 2, naming the policy).
 */
export async function readOverrides(
  file: string | undefined,
  policy: PolicyRules,
): Promise<Partial<Settings>> {
  if (file === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const reason =
      error instanceof SyntaxError
        ? `is not valid JSON (${error.message})`
        : `cannot be read (${String(error)})`;
    throw new UsageError(`settings file ${file} ${reason}`);
  }
  const result = applySettings({}, parsed, policy.settingsRules);
  if (!result.ok) throw new UsageError(`settings file ${file}: ${result.problems.join('; ')}`);
  const overrides = parsed as Partial<Settings>;
  const locked = policy.lockedValues;
  const refused = (Object.keys(overrides) as SettingName[]).filter(
    (name) => name in locked && JSON.stringify(locked[name]) !== JSON.stringify(result.settings[name]),
  );
  if (refused.length > 0) {
    throw new UsageError(
      `settings file ${file}: ${refused.map((n) => `"${n}"`).join(', ')} ${refused.length === 1 ? 'is' : 'are'} ${MANAGED_REASON.toLowerCase()}: locked by the policy ${policy.file}`,
    );
  }
  return overrides;
}
