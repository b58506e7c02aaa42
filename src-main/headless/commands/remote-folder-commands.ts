import { DESTINATION_KINDS, type DestinationKind } from '../../../src-shared/settings.ts';
import type { PolicyRules } from '../../core/policy/policy-rules.ts';
import { Uploader } from '../../core/uploader.ts';
import { openNodeHost } from '../../node-host/node-host.ts';
import { type CliArgs, expectOptions, stringOption, UsageError } from '../cli-args.ts';
import { readOverrides } from './run-command.ts';

/** `connect DEST`: signs in through the browser (or prints the address where there is none). */
export function connectCommand(args: CliArgs, dataDir: string, policy: PolicyRules): Promise<number> {
  expectOptions(args, ['data-dir', 'settings']);
  const destination = destinationArg(args);
  return withUploader(args, dataDir, policy, async (uploader) => {
    const view = await uploader.connect({ destination });
    process.stdout.write(`${destination}: ${view.state}${view.label ? ` as ${view.label}` : ''}\n`);
    return view.state === 'connected' ? 0 : 1;
  });
}

/** `folders DEST [--parent ID]`: lists the child folders to choose from. */
export function foldersCommand(args: CliArgs, dataDir: string, policy: PolicyRules): Promise<number> {
  expectOptions(args, ['data-dir', 'settings', 'parent', 'json']);
  const destination = destinationArg(args);
  return withUploader(args, dataDir, policy, async (uploader) => {
    const folders = await uploader.listRemoteFolders({
      destination,
      parentId: stringOption(args, 'parent') ?? null,
    });
    if (args.options.has('json')) {
      process.stdout.write(`${JSON.stringify(folders, null, 2)}\n`);
    } else if (folders.length === 0) {
      process.stdout.write('(no folders here)\n');
    } else {
      for (const folder of folders) process.stdout.write(`${folder.id}\t${folder.path}\n`);
    }
    return 0;
  });
}

/** `use DEST --folder ID`: makes DEST the active destination, uploading into that folder. */
export function useCommand(args: CliArgs, dataDir: string, policy: PolicyRules): Promise<number> {
  expectOptions(args, ['data-dir', 'settings', 'folder']);
  const destination = destinationArg(args);
  const folderId = stringOption(args, 'folder');
  if (folderId === undefined && destination !== 'storage-api') {
    throw new UsageError(
      `use ${destination}: give the folder with --folder ID (see: folders ${destination})`,
    );
  }
  return withUploader(args, dataDir, policy, async (uploader) => {
    if (folderId !== undefined) {
      const folder = await uploader.describeRemoteFolder({ destination, folderId });
      await uploader.chooseRemoteFolder({
        destination,
        folder: { id: folder.id, driveId: folder.driveId, path: folder.path },
      });
      process.stdout.write(`Recordings will go to ${destination}:${folder.path}\n`);
    }
    await uploader.updateSettings({ activeDestination: destination });
    process.stdout.write(`Active destination: ${destination}\n`);
    return 0;
  });
}

function destinationArg(args: CliArgs): DestinationKind {
  const [name] = args.positionals;
  if (!DESTINATION_KINDS.includes(name as DestinationKind)) {
    throw new UsageError(`${args.command}: name a destination: ${DESTINATION_KINDS.join(', ')}`);
  }
  return name as DestinationKind;
}

/** `--settings FILE` applies here as in `run`: a server keeps its Google or Microsoft client there. */
async function withUploader(
  args: CliArgs,
  dataDir: string,
  policy: PolicyRules,
  work: (uploader: Uploader) => Promise<number>,
): Promise<number> {
  const overrides = await readOverrides(stringOption(args, 'settings'), policy);
  const host = openNodeHost(dataDir);
  try {
    return await work(new Uploader({ host: host.services, db: host.db, overrides, policy }));
  } finally {
    await host.close();
  }
}
