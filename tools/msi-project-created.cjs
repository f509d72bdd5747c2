// electron-builder hook (msiProjectCreated): edits the generated WiX project before it is compiled, so that a
// silent install can configure the desk:
//   msiexec /i Fenliu-x.y.z-x64.msi /qn UPSTREAM_URL=https://… DESK_ID=desk-07
// The two public properties are passed to the installed Fenliu.exe, run once as a deferred custom action (as SYSTEM,
// after InstallFiles), which merges them into %ProgramData%\Fenliu\config.json (src-main/electron/installer-config.ts).
// Nothing runs when neither property is given, nor on uninstall.
'use strict';
const { readFile, writeFile } = require('node:fs/promises');

const ACTION_ID = 'FenliuWriteMachineConfig';
const PROPERTIES = ['UPSTREAM_URL', 'DESK_ID'];

/** The WiX project text with the properties and the custom action added. Throws when the project is not as expected. */
function addInstallerProperties(wxs) {
  if (wxs.includes(ACTION_ID)) return wxs; // already edited
  if (!/Id="mainExecutable"/.test(wxs)) throw new Error('msiProjectCreated: the WiX project has no File Id="mainExecutable"');
  if (!wxs.includes('</Product>')) throw new Error('msiProjectCreated: the WiX project has no </Product>');
  const custom =
    `<Custom Action="${ACTION_ID}" After="InstallFiles">NOT (REMOVE~="ALL") AND (UPSTREAM_URL OR DESK_ID)</Custom>`;
  const block = [
    '    <!-- Fenliu: silent-install properties, written to %ProgramData%\\Fenliu\\config.json -->',
    ...PROPERTIES.map((p) => `    <Property Id="${p}" Secure="yes"/>`),
    `    <CustomAction Id="${ACTION_ID}" FileKey="mainExecutable" Execute="deferred" Impersonate="no" Return="check"` +
      ' ExeCommand="--write-machine-config &quot;--upstream-url=[UPSTREAM_URL]&quot; &quot;--desk-id=[DESK_ID]&quot;"/>',
  ];
  let out = wxs;
  if (out.includes('<InstallExecuteSequence>')) {
    out = out.replace('<InstallExecuteSequence>', `<InstallExecuteSequence>\n      ${custom}`);
  } else {
    block.push('    <InstallExecuteSequence>', `      ${custom}`, '    </InstallExecuteSequence>');
  }
  return out.replace('</Product>', `${block.join('\n')}\n  </Product>`);
}

async function msiProjectCreated(projectFile) {
  const wxs = await readFile(projectFile, 'utf8');
  await writeFile(projectFile, addInstallerProperties(wxs));
}

module.exports = { msiProjectCreated, addInstallerProperties, ACTION_ID, PROPERTIES };
