import type { ExclusionCondition, ExclusionScenario, ProcessField } from './exclusionScenario';

/**
 * The five false-positive scenarios of the detection write-up (seed/dcrat-c2-hunt.txt), resolved.
 *
 * One rule runs through all of them: DCRat persists through scheduled tasks and runs PowerShell
 * (ARCHITECTURE "Facts"), and it names its implant after Windows binaries (the lab's implant is a
 * `svchost.exe` in AppData). So a scenario that names a binary matches only when the image runs
 * from that binary's expected folder, compared on the full image path, which Defender's
 * InitiatingProcessFolderPath holds including the file name (samples/README "Format notes"). The
 * same name elsewhere is a masquerade and stays unexplained. Paths assume the system drive C:
 * (#2).
 */

const SYSTEM32 = 'c:\\windows\\system32\\';
const SYSWOW64 = 'c:\\windows\\syswow64\\';

/**
 * Folders an ordinary user (or malware running as one) can write to. DCRat's scheduled task
 * starts an image dropped in such a folder, so a parent that runs scheduled tasks explains nothing
 * about an image that lives there.
 */
export const USER_WRITABLE_FOLDERS: readonly string[] = [
  '\\users\\',
  '\\appdata\\',
  '\\temp\\',
  '\\windows\\temp\\',
  '\\programdata\\',
];

/** Windows binaries and the only full paths where the genuine ones live. */
export const EXPECTED_IMAGE_PATHS: Readonly<Record<string, readonly string[]>> = {
  'svchost.exe': inSystemFolders('svchost.exe'),
  'taskhostw.exe': inSystemFolders('taskhostw.exe'),
  'taskeng.exe': inSystemFolders('taskeng.exe'),
  'wuauclt.exe': inSystemFolders('wuauclt.exe'),
  'wsmprovhost.exe': inSystemFolders('wsmprovhost.exe'),
  'winrshost.exe': inSystemFolders('winrshost.exe'),
  'powershell.exe': [
    `${SYSTEM32}windowspowershell\\v1.0\\powershell.exe`,
    `${SYSWOW64}windowspowershell\\v1.0\\powershell.exe`,
  ],
  'psexesvc.exe': ['c:\\windows\\psexesvc.exe'],
  'ccmexec.exe': ['c:\\windows\\ccm\\ccmexec.exe'],
  'lsass.exe': inSystemFolders('lsass.exe'),
  'services.exe': inSystemFolders('services.exe'),
  'rundll32.exe': inSystemFolders('rundll32.exe'),
  'dllhost.exe': inSystemFolders('dllhost.exe'),
  'conhost.exe': inSystemFolders('conhost.exe'),
  'explorer.exe': ['c:\\windows\\explorer.exe', `${SYSWOW64}explorer.exe`],
};

const SPLUNK_IMAGES = ['splunk.exe', 'splunkd.exe'].flatMap((name) => [
  `c:\\program files\\splunk\\bin\\${name}`,
  `c:\\program files\\splunkuniversalforwarder\\bin\\${name}`,
]);

function inSystemFolders(name: string): readonly string[] {
  return [`${SYSTEM32}${name}`, `${SYSWOW64}${name}`];
}

function expectedPaths(...names: string[]): string[] {
  return names.flatMap((name) => EXPECTED_IMAGE_PATHS[name] ?? []);
}

function is(field: ProcessField, ...values: string[]): ExclusionCondition {
  return { op: 'in~', field, values };
}

function contains(field: ProcessField, ...values: string[]): ExclusionCondition {
  return { op: 'contains', field, values };
}

function and(...all: ExclusionCondition[]): ExclusionCondition {
  return { op: 'and', all };
}

function or(...any: ExclusionCondition[]): ExclusionCondition {
  return { op: 'or', any };
}

function not(condition: ExclusionCondition): ExclusionCondition {
  return { op: 'not', condition };
}

/** The image path is known and outside every user-writable folder. */
const IMAGE_OUTSIDE_USER_FOLDERS = and(
  { op: 'isnotempty', field: 'folderPath' },
  not(contains('folderPath', ...USER_WRITABLE_FOLDERS)),
);

/**
 * No known Windows binary name away from its expected path (a masquerade). Defender's folder path
 * ends with the image's own file name, so one list of all expected paths serves every name.
 */
const NO_MASQUERADE = not(
  and(
    or(is('fileName', ...Object.keys(EXPECTED_IMAGE_PATHS)), {
      op: 'endswith',
      field: 'folderPath',
      values: Object.keys(EXPECTED_IMAGE_PATHS).map((name) => `\\${name}`),
    }),
    not(is('folderPath', ...Object.values(EXPECTED_IMAGE_PATHS).flat())),
  ),
);

/**
 * Script hosts and proxy-execution binaries: what a malicious scheduled task runs (DCRat's tasks
 * start PowerShell). A scheduled task explains none of them; PowerShell has its own scenario, S2.
 */
export const SCRIPT_HOSTS: readonly string[] = [
  'powershell.exe',
  'pwsh.exe',
  'powershell_ise.exe',
  'cmd.exe',
  'wscript.exe',
  'cscript.exe',
  'mshta.exe',
  'rundll32.exe',
  'regsvr32.exe',
];

const NO_SCRIPT_HOST = not(
  or(is('fileName', ...SCRIPT_HOSTS), {
    op: 'endswith',
    field: 'folderPath',
    values: SCRIPT_HOSTS.map((name) => `\\${name}`),
  }),
);

export const SCHEDULED_MAINTENANCE_TASK: ExclusionScenario = {
  id: 'S1',
  name: 'Scheduled System Maintenance Task',
  writeUpFilter:
    'process.parent_process == "Task Scheduler" or process.command_line contains "schtasks.exe"',
  resolution:
    'No process is called "Task Scheduler": scheduled tasks are started by the Schedule service ' +
    'host svchost.exe, by taskeng.exe (Windows 7/2008) or by taskhostw.exe, so the parent must be ' +
    'one of those, or the command line names schtasks.exe. Because DCRat persists through ' +
    'scheduled tasks, the image must also sit outside user-writable folders (users, AppData, ' +
    'Temp, ProgramData), must not be a known Windows binary outside its folder, and must not be ' +
    'a script host (PowerShell, cmd, wscript, mshta, rundll32...), which is what a malicious task ' +
    'runs.',
  explanation: 'a scheduled task started a process installed in a system location',
  // The image tests come first: they read short fields and settle most rows before the command line.
  condition: and(
    IMAGE_OUTSIDE_USER_FOLDERS,
    NO_SCRIPT_HOST,
    NO_MASQUERADE,
    or(
      is('parentFileName', 'svchost.exe', 'taskeng.exe', 'taskhostw.exe'),
      contains('commandLine', 'schtasks.exe'),
    ),
  ),
};

export const POWERSHELL_SYSTEM_MONITORING: ExclusionScenario = {
  id: 'S2',
  name: 'PowerShell Script for System Monitoring',
  writeUpFilter:
    'process.image contains "powershell.exe" and process.command_line contains "Get-EventLog" or "Invoke-Command"',
  resolution:
    'Read as image AND (term OR term). The image is Windows PowerShell from ' +
    'System32/SysWOW64\\WindowsPowerShell\\v1.0, or PowerShell 7 (pwsh.exe) under ' +
    'Program Files\\PowerShell; powershell.exe anywhere else is a masquerade.',
  explanation: 'PowerShell from its installation folder ran Get-EventLog or Invoke-Command',
  condition: and(
    or(
      is('folderPath', ...expectedPaths('powershell.exe')),
      and(
        {
          op: 'startswith',
          field: 'folderPath',
          values: ['c:\\program files\\powershell\\', 'c:\\program files (x86)\\powershell\\'],
        },
        { op: 'endswith', field: 'folderPath', values: ['\\pwsh.exe'] },
      ),
    ),
    contains('commandLine', 'Get-EventLog', 'Invoke-Command'),
  ),
};

export const ADMIN_REMOTE_MANAGEMENT: ExclusionScenario = {
  id: 'S3',
  name: 'Admin Tool for Remote Management',
  writeUpFilter: 'process.image contains "psexec.exe" or process.image contains "winrm.exe"',
  resolution:
    'There is no winrm.exe: WinRM sessions run in wsmprovhost.exe (and WinRS in winrshost.exe) ' +
    'from System32, which stand for it. PsExec is psexec.exe/psexec64.exe on the admin side, ' +
    'installed wherever the admin keeps tools, so it must only sit outside user-writable ' +
    'folders; its service psexesvc.exe runs from C:\\Windows.',
  explanation: 'a remote-management tool (PsExec or WinRM) from its expected location',
  condition: or(
    is('folderPath', ...expectedPaths('wsmprovhost.exe', 'winrshost.exe', 'psexesvc.exe')),
    and(
      or(is('fileName', 'psexec.exe', 'psexec64.exe'), {
        op: 'endswith',
        field: 'folderPath',
        values: ['\\psexec.exe', '\\psexec64.exe'],
      }),
      IMAGE_OUTSIDE_USER_FOLDERS,
    ),
  ),
};

export const SOFTWARE_UPDATE_JOB: ExclusionScenario = {
  id: 'S4',
  name: 'Software Update or Patching Job',
  writeUpFilter: 'process.command_line contains "wuauclt.exe" or "ccmexec.exe"',
  resolution:
    'The image is the Windows Update client wuauclt.exe from System32/SysWOW64 or the SCCM ' +
    'client ccmexec.exe from C:\\Windows\\CCM. A command line that merely names one of them from ' +
    'another image (cmd.exe /c wuauclt.exe) is not enough, since anything can print that name. ' +
    'wuauclt.exe can load a foreign DLL (/UpdateDeploymentProvider), which this does not tell ' +
    'apart from a real update (#2).',
  explanation: 'the Windows Update or SCCM client from its system folder',
  condition: is('folderPath', ...expectedPaths('wuauclt.exe', 'ccmexec.exe')),
};

export const LOG_COLLECTION_TOOL: ExclusionScenario = {
  id: 'S5',
  name: 'Log Collection and Analysis Tool',
  writeUpFilter:
    'process.image contains "splunk.exe" or "logstash.exe" and process.command_line contains "input" or "output"',
  resolution:
    'Read as image AND (term OR term). Splunk is splunk.exe or splunkd.exe in the bin folder of ' +
    'Splunk Enterprise or the Universal Forwarder under Program Files. Logstash has no .exe of ' +
    'its own on Windows: it runs as java.exe/javaw.exe with "logstash" on the command line ' +
    '(or an image named logstash.exe, as written), outside user-writable folders.',
  explanation: 'the log collector (Splunk or Logstash) handling its inputs or outputs',
  condition: and(
    or(
      is('folderPath', ...SPLUNK_IMAGES),
      and(
        or(
          is('fileName', 'logstash.exe'),
          and(is('fileName', 'java.exe', 'javaw.exe'), contains('commandLine', 'logstash')),
        ),
        IMAGE_OUTSIDE_USER_FOLDERS,
      ),
    ),
    contains('commandLine', 'input', 'output'),
  ),
};

/**
 * The scenarios in evaluation order: the first that matches names the row's ExclusionId. S1 is
 * last because its parent test (svchost.exe) also holds for genuine PowerShell and Windows Update
 * rows, which the narrower S2 and S4 explain better (EXPECTED.md attributes them so).
 */
export const EXCLUSION_SCENARIOS: readonly ExclusionScenario[] = [
  POWERSHELL_SYSTEM_MONITORING,
  ADMIN_REMOTE_MANAGEMENT,
  SOFTWARE_UPDATE_JOB,
  LOG_COLLECTION_TOOL,
  SCHEDULED_MAINTENANCE_TASK,
];

export function exclusionScenarioById(id: string): ExclusionScenario | undefined {
  return EXCLUSION_SCENARIOS.find((scenario) => scenario.id === id);
}
