import type { JobFilter } from '../../src-shared/bridge-contract.ts';
import type { HostPlatform } from '../../src-shared/host-platform.ts';
import type { JobState } from '../../src-shared/job.ts';
import type { LedgerEvent } from '../../src-shared/ledger-events.ts';
import type { DestinationKind, SettingName, Settings } from '../../src-shared/settings.ts';
import type { FieldIssue, SelectSetting, SettingsSection } from '../state/settings-form.ts';

/**
 * Keys the dictionary must have because code builds them from the domain's own names: a new job
 * state, setting, option or filter without its words is a type error here, not a blank in the UI.
 */
type RequiredKeys =
  | `setting.${SettingName}`
  | `setting.${SettingName}.help`
  | { [N in SelectSetting]: `option.${N}.${Settings[N]}` }[SelectSetting]
  | `state.${JobState}`
  | `filters.${JobFilter}`
  | `queue.empty.${JobFilter}`
  | `destination.${DestinationKind}`
  | `details.event.${LedgerEvent}`
  | `setup.about.${DestinationKind}`
  | `folders.localPlaceholder.${HostPlatform}`
  | `settings.section.${SettingsSection}`
  | `issue.${Exclude<FieldIssue['code'], 'too-small' | 'too-big' | 'too-long' | 'not-multiple' | 'other' | 'rate-limit'>}`;

/** English, the reference dictionary: every other language has exactly these keys. */
export const en = {
  'app.name': 'Recording Uploader',
  'app.connecting': 'Connecting to the uploader…',
  'app.connectFailed': 'Cannot reach the uploader: {reason}',
  'app.tryAgain': 'Try again',

  'nav.label': 'Sections',
  'nav.queue': 'Queue',
  'nav.destinations': 'Destinations',
  'nav.folders': 'Folders',
  'nav.settings': 'Settings',
  'nav.history': 'History',

  'status.coreDown': 'Reconnecting to the uploader…',
  'status.loading': 'Connecting to the uploader…',
  'fix.choose-folder': 'Choose folder',
  'fix.enter-token': 'Enter a new token',
  'fix.sign-in': 'Sign in again',
  'fix.set-up': 'Finish set-up',
  'fix.show-failed': 'Show failed',
  'problem.technical': 'Technical details',
  'status.paused': 'Paused until you resume',
  'status.pausedUntil': 'Paused until {time}',

  'core.down': 'The uploader is not answering.',
  'core.downDetail':
    'This window reconnects by itself as the uploader restarts. Nothing is lost: uploads continue where they stopped.',
  'core.downAtAddress':
    'This page reconnects by itself as soon as the uploader serves this address again (run it again with the same data folder). Nothing is lost: uploads continue where they stopped.',
  'core.gone': 'This page cannot reconnect.',
  'core.goneDetail':
    'The uploader at this address no longer serves it: it was started with another data folder or on another port. Open the address it printed ("Web UI: …").',
  'status.coreGone': 'Not connected to the uploader',

  'setupBanner.text': 'The uploader is not set up yet: recordings are not being uploaded.',
  'setupBanner.action': 'Set up now',

  'pause.pause': 'Pause',
  'pause.resume': 'Resume uploads',
  'pause.for.1h': 'Pause for 1 hour',
  'pause.for.8h': 'Pause for 8 hours',
  'pause.for.untilResumed': 'Pause until I resume',
  'pause.button.1h': '1 hour',
  'pause.button.8h': '8 hours',
  'pause.button.untilResumed': 'Until I resume',

  'totals.label': 'Queue totals',
  'totals.queued': 'Waiting',
  'totals.uploading': 'Uploading',
  'totals.doneToday': 'Done today',
  'totals.failed': 'Failed',

  'filters.label': 'Show',
  'filters.all': 'All',
  'filters.active': 'Active',
  'filters.waiting': 'Waiting',
  'filters.failed': 'Failed',
  'filters.done': 'Done',

  'queue.listLabel': 'Recordings',
  'queue.empty.all': 'No recordings yet.',
  'queue.empty.active': 'Nothing is uploading or queued.',
  'queue.empty.waiting': 'Nothing is waiting to try again.',
  'queue.empty.failed': 'No failed uploads.',
  'queue.empty.done': 'No uploads finished yet.',
  'queue.empty.watching': 'New recordings saved in {folder} appear here by themselves.',

  'state.queued': 'Queued',
  'state.uploading': 'Uploading',
  'state.verifying': 'Verifying',
  'state.done': 'Done',
  'state.waiting': 'Waiting to retry',
  'state.needs-auth': 'Sign-in needed',
  'state.needs-token': 'New token needed',
  'state.failed': 'Failed',
  'state.paused': 'Paused',
  'state.cancelled': 'Cancelled',
  'state.unknown': 'Not connected',

  'job.sentOf': '{sent} of {size}',
  'job.timeLeft': '{time} left',
  'job.attempts': 'Retries: {count}',
  'job.nextTry': 'next try {when}',
  'job.doneAt': 'finished {time}',
  'job.reconciled.present': 'present and unchanged as of {time}',
  'job.reconciled.missing': 'missing at the destination as of {time}',
  'job.reconciled.altered': 'altered at the destination as of {time}',
  'job.progress': 'Upload progress of {name}',
  'job.retry': 'Retry',
  'job.retryNow': 'Retry now',
  'job.retryFile': 'Retry {name}',
  'job.pause': 'Pause',
  'job.pauseFile': 'Pause {name}',
  'job.resume': 'Resume',
  'job.resumeFile': 'Resume {name}',
  'job.cancel': 'Cancel',
  'job.cancelFile': 'Cancel {name}',
  'job.showInFolder': 'Show in folder',
  'job.showInFolderFile': 'Show {name} in its folder',
  'job.detailsFile': 'Details of {name}',
  'details.title': 'Recording details',
  'details.loading': 'Reading the details…',
  'details.close': 'Close',
  'details.where': 'Where it went',
  'details.destination': 'Destination',
  'details.account': 'Account',
  'details.folder': 'Folder (as set now)',
  'details.address': 'Address (as set now)',
  'details.notChosen': 'not chosen',
  'details.remoteId': 'Remote id',
  'details.link': 'Link',
  'details.recording': 'The recording',
  'details.state': 'State',
  'details.path': 'Path',
  'details.size': 'Size',
  'details.sizeExact': '{size} ({bytes} bytes)',
  'details.sha256': 'SHA-256 (computed here)',
  'details.remoteHash': '{name} (the destination’s)',
  'details.sidecar': 'Metadata file',
  'details.sidecarNone': 'none found',
  'details.sidecar.beside-the-video': 'placed beside the video',
  'details.sidecar.with-the-upload': 'sent with the upload',
  'details.sidecar.no': 'not stored at the destination',
  'details.sidecar.not-yet': 'not sent yet',
  'details.receipt': 'Receipt',
  'details.receiptNone': 'not placed',
  'details.warning': 'Warning',
  'details.problem': 'Last error',
  'details.notYet': 'not yet',
  'details.times': 'When',
  'details.foundAt': 'Found in the folder',
  'details.startedAt': 'Upload first started',
  'details.storedAt': 'Stored at the destination',
  'details.completedAt': 'Verified and done',
  'details.localDeletedAt': 'Local copy deleted',
  'details.checked': 'Last check at the destination',
  'details.notChecked': 'not checked yet',
  'details.history': 'Every step, from the ledger',
  'details.earlier': '{count} earlier entries are not shown here; verify-ledger and report read them all.',
  'details.seq': 'Entry number in the ledger (verify-ledger names entries by it)',
  'details.byOperator': 'by the operator',
  'details.until': 'until {time}',
  'details.event.found': 'Found in the folder',
  'details.event.queued': 'Queued',
  'details.event.upload-started': 'Upload started',
  'details.event.verifying': 'Verifying',
  'details.event.stored': 'Stored at the destination',
  'details.event.verified': 'Verified: the hashes match',
  'details.event.sidecar-placed': 'Metadata file placed',
  'details.event.local-deleted': 'Local copy deleted',
  'details.event.waiting': 'Waiting to retry',
  'details.event.failed': 'Failed',
  'details.event.restarted': 'Started over',
  'details.event.requeued': 'Queued again',
  'details.event.held-for-sign-in': 'Held until sign-in',
  'details.event.released': 'Released',
  'details.event.retried': 'Retried',
  'details.event.paused': 'Paused',
  'details.event.resumed': 'Resumed',
  'details.event.cancelled': 'Cancelled',
  'details.event.settings-changed': 'Settings changed',
  'details.event.signed-in': 'Signed in',
  'details.event.signed-out': 'Signed out',
  'details.event.reconciled': 'Checked at the destination',
  'details.event.receipt-placed': 'Receipt placed',

  'cancel.title': 'Cancel this upload?',
  'cancel.body':
    'The recording stays in the recordings folder but is not uploaded. You can retry it later from the list.',
  'cancel.confirm': 'Cancel upload',
  'cancel.keep': 'Keep uploading',

  'unit.hours': 'h',
  'unit.minutes': 'min',
  'unit.seconds': 'seconds',
  'unit.days': 'days',
  'unit.mebibytes': 'MiB',
  'unit.gibibytes': 'GiB',

  'destination.storage-api': 'Company storage API',
  'destination.onedrive': 'OneDrive',
  'destination.gdrive': 'Google Drive',

  'destinations.title': 'Where recordings go',
  'destinations.lead':
    'Recordings are uploaded to one destination at a time. Switching sends new recordings to the new destination; those already queued finish where they were going.',
  'destinations.inUse': 'In use',
  'destinations.use': 'Use for uploads',
  'destinations.folder': 'Uploads go into {path}',
  'destinations.noFolder': 'No folder chosen yet',
  'destinations.chooseFolder': 'Choose folder',

  'connection.unavailable': 'Not available in this version',
  'connection.unavailableHelp': 'This version of the uploader cannot upload here.',
  'connection.notConnected': 'Not connected',
  'connection.needsRegistration':
    'Connecting needs the company’s app registration: enter it under Settings (advanced).',
  'connection.connected': 'Connected',
  'connection.connectedAs': 'Connected as {label}',
  'connection.connectedTo': 'Set up: {label}',
  'connection.signInNeeded': 'Sign-in needed',
  'connection.tokenNeeded': 'New API token needed',
  'connection.error': 'Connection problem',

  'storage.url': 'Address',
  'storage.urlHelp': 'The storage API address your IT department gave you, starting with https://.',
  'storage.token': 'API token',
  'storage.tokenPlaceholder': 'Paste a token to store or replace it',
  'storage.tokenHelp':
    'Kept in the system keychain and never shown again. Leave it empty to keep the token already stored.',
  'storage.test': 'Test connection',
  'storage.testing': 'Testing…',
  'storage.forget': 'Forget token',
  'storage.works': 'Connection works: the storage API accepted the token.',
  'storage.failed': 'The connection test failed: {reason}',

  'cloud.connect': 'Connect',
  'cloud.reconnect': 'Reconnect',
  'cloud.disconnect': 'Disconnect',
  'cloud.startingSignIn': 'Starting the sign-in…',
  'cloud.waitingForSignIn':
    'Waiting for you to sign in on the sign-in page. If it is not open in your browser yet, open it with the link below. This window updates by itself once you are done.',
  'cloud.openSignInPage': 'Open the sign-in page',

  'drive.scope': 'What the uploader may see in your Drive',
  'drive.scopeHelp.drive.file':
    'Recommended. The uploader sees only the folders and files it created itself: it makes its own folder, /Recording Uploader, and uploads into it, and the folder browser lists only the folders it made.',
  'drive.scopeHelp.drive':
    'The uploader can see and change everything in the Google account, so any existing folder can be chosen. Unless the company’s Google app is limited to its Google Workspace organisation, Google allows this only after a verification review of the app.',
  'drive.scopeSwitch':
    'A change takes effect at the next sign-in: switching needs Google Drive to be connected again.',
  'drive.reconnectToApply': 'Reconnect Google Drive for this change to take effect.',

  'folders.title': 'Folders',
  'folders.localTitle': 'On this computer',
  'folders.remoteTitle': 'In {destination}',
  'folders.local': 'Recordings folder',
  'folders.localPlaceholder.windows': 'e.g. C:\\Recordings',
  'folders.localPlaceholder.macos': 'e.g. /Users/you/Recordings',
  'folders.localPlaceholder.linux': 'e.g. /home/you/recordings',
  'folders.localHelp':
    'The folder where the recording system saves finished recordings. The uploader watches it.',
  'folders.typePath':
    'Type the full path of the folder where the recording system saves recordings (a browser cannot open a folder picker here).',
  'folders.browse': 'Browse…',
  'folders.save': 'Save folder',
  'folders.watching': 'Saved. The uploader now watches {folder}.',

  'remote.root': 'My files',
  'remote.breadcrumb': 'Folder path',
  'remote.loading': 'Loading folders…',
  'remote.tryAgain': 'Try again',
  'remote.empty': 'No folders here.',
  'remote.subfolders': 'Folders in {name}',
  'remote.current': 'Current',
  'remote.newFolder': 'New folder here',
  'remote.newFolderPlaceholder': 'Folder name',
  'remote.create': 'Create folder',
  'remote.choose': 'Upload into “{name}”',
  'remote.openToChoose': 'Open or create a folder to upload into',
  'remote.chosen': 'Recordings are uploaded into {path}.',
  'remote.storageApi': 'The company storage API files recordings itself: there is no folder to choose.',
  'remote.connectFirst': 'Connect {destination} first, then choose its folder here.',
  'remote.driveFileScope':
    'The uploader may only see folders it created (recommended setting), so only those are listed. Create a folder here, or allow access to everything in the account under Destinations (then sign in again).',
  'remote.driveScope': 'The uploader may see your whole Drive: any folder can be chosen.',

  'settings.title': 'Settings',
  'settings.section.pause': 'Pause uploads',
  'settings.section.general': 'General',
  'settings.section.recordings': 'Recordings',
  'settings.section.uploads': 'Uploads',
  'settings.section.storageApi': 'Company storage API',
  'settings.section.oneDrive': 'OneDrive app registration (advanced)',
  'settings.section.googleDrive': 'Google Drive app registration (advanced)',
  'settings.running': 'Uploads are running',
  'settings.save': 'Save changes',
  'settings.discard': 'Discard changes',
  'settings.saved': 'Settings saved.',
  'settings.fixProblems': 'Correct the fields marked above to save.',
  'settings.refused': 'The uploader did not save the settings: {reason}',
  'settings.deleteWarning':
    'Each recording is deleted from this computer as soon as the destination confirms an identical copy. This computer then keeps no copy of it.',

  'setting.recordingsFolder': 'Recordings folder',
  'setting.recordingsFolder.help':
    'Where the recording system saves finished recordings; the uploader watches it.',
  'setting.videoExtensions': 'Video file types',
  'setting.videoExtensions.help':
    'File extensions that count as recordings, separated by commas (e.g. mp4, mkv).',
  'setting.settleSeconds': 'Wait before uploading',
  'setting.settleSeconds.help': 'How long a file must stay unchanged before it counts as finished.',
  'setting.maxConcurrentUploads': 'Uploads at once',
  'setting.maxConcurrentUploads.help': 'How many recordings upload at the same time (1 to 16).',
  'setting.chunkSizeBytes': 'Chunk size',
  'setting.chunkSizeBytes.help':
    'Recordings are sent in pieces of this size; after a break, only the last piece is sent again.',
  'setting.maxRetries': 'Retries',
  'setting.maxRetries.help': 'How often a failing upload is tried again before it is marked failed.',
  'setting.deleteAfterUpload': 'Delete recordings after upload',
  'setting.deleteAfterUpload.help': 'Frees disk space once a recording is safely stored at the destination.',
  'setting.uploadOlderRecordings': 'Upload older recordings',
  'setting.uploadOlderRecordings.help':
    'When the uploader starts, also upload recordings already in the folder.',
  'setting.maxFileAgeDays': 'Oldest recordings to upload',
  'setting.maxFileAgeDays.help':
    'Recordings older than this are left alone when the folder is first scanned.',
  'setting.diskWarnBelowBytes': 'Warn when the disk has less free',
  'setting.diskWarnBelowBytes.help':
    'Below this much free space on the recordings folder’s disk, the header, the tray and status say the disk is nearly full. 0: never.',
  'setting.reconcileEveryDays': 'Check the archive every',
  'setting.reconcileEveryDays.help':
    'Asks the destination for its list of files and checks every uploaded recording is still there, unchanged; you are told when one is missing or altered. 0: never.',
  'setting.fleetHeartbeat': 'Tell the admin this machine is working',
  'setting.fleetHeartbeat.help':
    'Every few minutes writes this machine’s state (last upload, queue, version) to _recording-uploader/MACHINE.json in the destination folder; the storage API only when its server offers it.',
  'setting.requestTimeoutSeconds': 'Network time-out',
  'setting.requestTimeoutSeconds.help':
    'How long a request may go without a byte moving, or without an answer once all its bytes are sent, before it is tried again.',
  'setting.uploadRateLimit': 'Upload speed limit',
  'setting.uploadRateLimit.help':
    'One limit shared by every upload: off, a rate in bytes per second (512K, 2M), or a weekly timetable as in rclone’s --bwlimit, e.g. Mon-08:00,2M Mon-18:00,off or 08:00,2M 18:00,off.',
  'setting.cpuPriority': 'Processor priority',
  'setting.cpuPriority.help':
    'Below normal: the uploader only takes processor time that nothing else on this computer wants.',
  'setting.uploadsPaused': 'Uploads paused',
  'setting.uploadsPaused.help':
    'While paused, new recordings are still noticed and queued; nothing is sent until uploads resume.',
  'setting.pausedUntil': 'Paused until',
  'setting.pausedUntil.help': 'When a timed pause ends by itself.',
  'setting.activeDestination': 'Destination in use',
  'setting.activeDestination.help': 'Where new recordings are uploaded.',
  'setting.startAtLogin': 'Start at login',
  'setting.startAtLogin.help': 'Start the uploader in the system tray when you sign in to this computer.',
  'setting.updateFeedUrl': 'Update address',
  'setting.updateFeedUrl.help':
    'Where your organization publishes new versions (https): the app says when one is out. It installs them by itself only from an address your organization’s policy sets. Empty: no updates.',
  'setting.language': 'Language',
  'setting.language.help': 'The language of this window. Automatic follows the computer’s language.',
  'setting.storageApiBaseUrl': 'Storage API address',
  'setting.storageApiBaseUrl.help':
    'The company storage API address, starting with https:// (or http:// on a test network).',
  'setting.remoteSubfolderTemplate': 'Subfolder per recording',
  'setting.remoteSubfolderTemplate.help':
    'Optional path below the chosen folder, e.g. {yyyy}/{MM}/{dd} or {connection.name}. Empty: straight into the folder.',
  'setting.oneDriveClientId': 'Application (client) ID',
  'setting.oneDriveClientId.help':
    'The ID of the company’s app registration in Microsoft Entra ID; needed to connect OneDrive.',
  'setting.oneDriveTenant': 'Tenant',
  'setting.oneDriveTenant.help':
    'Your organisation’s directory (tenant) ID or domain; "common" accepts any account.',
  'setting.oneDriveAuthorityHost': 'Sign-in address',
  'setting.oneDriveAuthorityHost.help': 'Microsoft’s sign-in service; change only for national clouds.',
  'setting.graphBaseUrl': 'Microsoft Graph address',
  'setting.graphBaseUrl.help': 'The API OneDrive is reached through; change only for national clouds.',
  'setting.oneDriveConflictBehavior': 'When the name is taken',
  'setting.oneDriveConflictBehavior.help':
    'What OneDrive does when the folder already holds a file of that name.',
  'setting.oneDriveFolder': 'OneDrive folder',
  'setting.oneDriveFolder.help': 'The OneDrive folder recordings go into; chosen under Folders.',
  'setting.googleClientId': 'OAuth client ID',
  'setting.googleClientId.help':
    'The company’s Google Cloud desktop client ID; needed to connect Google Drive.',
  'setting.googleClientSecret': 'OAuth client secret',
  'setting.googleClientSecret.help': 'Comes with the desktop client ID; Google does not treat it as secret.',
  'setting.googleDriveScope': 'Drive access',
  'setting.googleDriveScope.help':
    'Only what the uploader creates (recommended: it makes and uses its own folder), or everything in the account (any folder; Google requires a verification review for apps published outside a Workspace organisation). Switching needs a new sign-in.',
  'setting.googleAuthUrl': 'Google sign-in address',
  'setting.googleAuthUrl.help': 'Google’s authorisation page; change only for testing.',
  'setting.googleTokenUrl': 'Google token address',
  'setting.googleTokenUrl.help': 'Where sign-in codes are exchanged for tokens; change only for testing.',
  'setting.googleRevokeUrl': 'Google sign-out address',
  'setting.googleRevokeUrl.help':
    'Where Disconnect withdraws the uploader’s access; change only for testing.',
  'setting.driveApiBaseUrl': 'Drive API address',
  'setting.driveApiBaseUrl.help': 'The Google Drive API; change only for testing.',
  'setting.googleDriveChunkSizeBytes': 'Drive chunk size',
  'setting.googleDriveChunkSizeBytes.help':
    'Pieces sent to Google Drive, a multiple of 256 KiB; the smaller of this and Chunk size is used.',
  'setting.googleDriveFolder': 'Google Drive folder',
  'setting.googleDriveFolder.help': 'The Drive folder recordings go into; chosen under Folders.',

  'option.language.auto': 'Automatic',
  'option.language.en': 'English',
  'option.language.pt-BR': 'Português (Brasil)',
  'option.activeDestination.storage-api': 'Company storage API',
  'option.activeDestination.onedrive': 'OneDrive',
  'option.activeDestination.gdrive': 'Google Drive',
  'option.oneDriveConflictBehavior.rename': 'Keep both (rename the new file)',
  'option.oneDriveConflictBehavior.fail': 'Stop and report it',
  'option.oneDriveConflictBehavior.replace': 'Replace the existing file',
  'option.googleDriveScope.drive.file': 'Only folders the uploader creates',
  'option.googleDriveScope.drive': 'Any folder in my Drive',
  'option.cpuPriority.below-normal': 'Below normal',
  'option.cpuPriority.normal': 'Normal',

  'rate.unlimited': 'unlimited',
  'rate.changes': '{rate} until {time}, then {next}',
  'rate.now': 'In force now: {words}',
  'rate.limited': 'limited to {rate}',
  'rate.limitedUntil': 'limited to {rate} until {time}',
  'rate.fullUntil': 'full speed until {time}',
  'rate.limitNow': 'Limit upload speed now',
  'rate.fullSpeed': 'Upload at full speed',

  'issue.required': 'This cannot be empty.',
  'issue.number': 'Enter a number.',
  'issue.whole-number': 'Enter a whole number.',
  'issue.url': 'Enter an address starting with http:// or https://.',
  'issue.https-url': 'Enter an address starting with https://.',
  'policy.managed': 'Managed by your organization',
  'policy.updatesManaged': 'Updates are managed by your organization.',
  'policy.destinationNotAllowed': 'Not offered by your organization.',
  'policy.invalid':
    'Uploads are stopped: the policy set by your organization is not valid ({problem}). Ask your IT department to fix it.',
  'issue.extension': 'Use letters and digits only, without the dot.',
  'issue.plain-http':
    'Use an address starting with https://. Plain http:// is only for this computer (127.0.0.1, localhost) or an address your organization allows.',
  'issue.video-extension': 'Only video file types count as recordings (mp4, mkv, webm, avi, mov, …).',
  'issue.choice': 'Choose one of the options.',
  'issue.tooSmall': 'The smallest allowed value is {limit}.',
  'issue.tooBig': 'The largest allowed value is {limit}.',
  'issue.tooLong': 'At most {limit} characters.',
  'issue.notMultiple': 'Use a multiple of {limit}.',
  'issue.rateLimit': 'Not understood: {problem}. For example: off, 2M, or Mon-08:00,2M Mon-18:00,off.',

  'setup.title': 'Set up the uploader',
  'setup.lead.two': 'Two steps, about a minute. You can change everything later.',
  'setup.lead.three': 'Three steps, about a minute. You can change everything later.',
  'setup.progress': 'Set-up steps',
  'setup.step.folder': 'Recordings folder',
  'setup.step.destination': 'Destination',
  'setup.step.remote': 'Remote folder',
  'setup.title.folder': 'Where are recordings saved?',
  'setup.title.destination': 'Where should recordings go?',
  'setup.title.remote': 'Which folder should they go into?',
  'setup.title.done': 'All set',
  'setup.folderLead':
    'Choose the folder the recording system saves its recordings in. Finished recordings there are uploaded automatically.',
  'setup.destinationLead': 'Pick a destination and connect it.',
  'setup.about.storage-api': 'Your company’s own storage service: an address and an API token.',
  'setup.about.onedrive': 'Sign in with a Microsoft work or personal account.',
  'setup.about.gdrive': 'Sign in with a Google account.',
  'setup.doneLead': 'The uploader now works in the background: it keeps going when this window is closed.',
  'setup.summary.watching': 'Watching',
  'setup.summary.destination': 'Uploading to',
  'setup.summary.folder': 'Into',
  'setup.skip': 'Skip set-up',
  'setup.back': 'Back',
  'setup.next': 'Next',
  'setup.finish': 'Open the queue',

  'history.period': 'Period',
  'history.period.7': 'Last 7 days',
  'history.period.30': 'Last 30 days',
  'history.period.90': 'Last 90 days',
  'history.series.uploaded': 'Recordings uploaded',
  'history.series.gigabytes': 'GiB uploaded',
  'history.series.failures': 'Failures',
  'history.axis.count': 'Recordings',
  'history.axis.gigabytes': 'GiB',
  'history.chart': 'Recordings, gigabytes and failures per day',
  'history.summary': '{uploaded} recordings uploaded ({size}) and {failures} failed from {from} to {to}',
  'history.note':
    'Each recording counts on the day (UTC) it was found; the export lists the same recordings, one line each.',
  'history.table.caption': 'Recordings per day',
  'history.table.day': 'Day (UTC)',
  'history.table.size': 'Size',
  'history.export': 'Export CSV',
  'history.loading': 'Reading the history…',
  'history.failed': 'Cannot read the history: {reason}',
  'history.exportFailed': 'Cannot export the report: {reason}',
} as const satisfies Record<RequiredKeys, string> & Record<string, string>;

export type MessageKey = keyof typeof en;
/** A complete dictionary: a missing or an extra key is a type error. */
export type Messages = Readonly<Record<MessageKey, string>>;
