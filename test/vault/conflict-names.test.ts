import { describe, expect, it } from 'vitest';
import { conflictCopyTool, vaultFiles } from '../../src/vault/conflict-names.js';

// The names each file-sync tool gives the losing side of a clash, as their own
// code and documentation write them (docs/conflict-copies.md cites each one).

const NAME = 'chronos.kdbx';

describe('conflict copy names', () => {
  it.each([
    // Syncthing: lib/model/folder_sendrecv.go conflictName; FAQ "What if there is a conflict?"
    ['chronos.sync-conflict-20251130-101010-ABCDEF7.kdbx', 'Syncthing'],
    ['chronos.sync-conflict-20151130-101010.kdbx', 'Syncthing'], // releases before the device id was added
    ['chronos.sync-conflict-20251130-101010-ABCDEF7.sync-conflict-20251201-080000-Z2Y3X4W.kdbx', 'Syncthing'],
    // Dropbox: "conflicted copy", the person or computer, the date; a second one the same day gets (1).
    ["chronos (Ada Lovelace's conflicted copy 2025-11-30).kdbx", 'Dropbox'],
    ['chronos (Ada’s conflicted copy 2025-11-30).kdbx', 'Dropbox'],
    ["chronos (ada-laptop's conflicted copy 2025-11-30 (1)).kdbx", 'Dropbox'],
    ['chronos (conflicted copy 2025-11-30).kdbx', 'Dropbox'],
    ['chronos (Case Conflict).kdbx', 'Dropbox'],
    ['Chronos (Case Conflict).kdbx', 'Dropbox'],
    ['CHRONOS (Case Conflict 1).KDBX', 'Dropbox'],
    ['chronos (Unicode Encoding Conflict).kdbx', 'Dropbox'],
    ['chronos (Selective Sync Conflict).kdbx', 'Dropbox'],
    // Nextcloud / ownCloud desktop: Utility::makeConflictFileName (2.5+), and the older _conflict- form.
    ['chronos (conflicted copy 2025-11-30 101010).kdbx', 'Nextcloud / ownCloud'],
    ['chronos (conflicted copy Ada Lovelace 2025-11-30 101010).kdbx', 'Nextcloud / ownCloud'],
    ['chronos_conflict-20251130-101010.kdbx', 'ownCloud / Nextcloud (older clients)'],
    ['chronos_conflict_ada-20251130-101010.kdbx', 'ownCloud / Nextcloud (older clients)'],
    ['CHRONOS (case clash from 2025-11-30 101010).kdbx', 'Nextcloud'],
    // OneDrive keeps both by adding the computer name; abraunegg's Linux client adds -safeBackup-NNNN.
    ['chronos-DESKTOP-AB12CD3.kdbx', 'OneDrive'],
    ['chronos-ada-laptop-safeBackup-0001.kdbx', 'OneDrive (Linux client)'],
    // Google Drive for desktop shows a second file of one name as "(1)"; OneDrive and Windows do the same.
    ['chronos (1).kdbx', 'Google Drive for desktop / OneDrive'],
    ['chronos (12).kdbx', 'Google Drive for desktop / OneDrive'],
  ])('%s is a %s conflict copy of chronos.kdbx', (candidate, tool) => {
    expect(conflictCopyTool(NAME, candidate)).toBe(tool);
  });

  it('a Unicode-normalisation clash: the copy spells the name in the other normal form', () => {
    const nfc = 'café.kdbx';
    const nfd = 'cafe\u0301 (Unicode Encoding Conflict).kdbx';
    expect(conflictCopyTool(nfc, nfd)).toBe('Dropbox');
  });

  it.each([
    'chronos.kdbx', // the file itself
    'chronos.old.kdbx', // KeePassXC's own backup before saving
    '.chronos.kdbx.1234.0123abcd.tmp', // ssot's atomic-write temp file
    'chronos.kdbx.Ab12Cd', // KeePassXC's QSaveFile temp file
    '.syncthing.chronos.kdbx.tmp', // Syncthing's download in progress
    'other.sync-conflict-20251130-101010-ABCDEF7.kdbx', // another file's conflict copy
    'chronosx (1).kdbx',
    'chronos (1).txt',
    'chronos (1).kdbx.bak',
    'Chronos (1).kdbx', // only the case-clash schemes may differ in case
    'chronos (conflicted copy).kdbx',
    'chronos (Ada conflicted copy 2025-11-30).kdbx',
    'chronos.sync-conflict-2025-11-30.kdbx',
    'chronos (Case Conflict).kdbx.tmp',
    'chronos-.kdbx',
    'chronos-new file.kdbx',
    'chronos_conflict.kdbx',
  ])('%s is not one', (candidate) => {
    expect(conflictCopyTool(NAME, candidate)).toBeUndefined();
  });

  it('works for a name without an extension and one with dots in it', () => {
    expect(conflictCopyTool('vault', 'vault (1)')).toBe('Google Drive for desktop / OneDrive');
    expect(conflictCopyTool('team.prod.kdbx', 'team.prod.sync-conflict-20251130-101010-ABCDEF7.kdbx')).toBe('Syncthing');
    expect(conflictCopyTool('team.prod.kdbx', 'team.sync-conflict-20251130-101010-ABCDEF7.prod.kdbx')).toBeUndefined();
  });

  it('a vault file name with regular-expression characters is taken literally', () => {
    expect(conflictCopyTool('a+b (x).kdbx', 'a+b (x) (1).kdbx')).toBe('Google Drive for desktop / OneDrive');
    expect(conflictCopyTool('a+b (x).kdbx', 'aab (x) (1).kdbx')).toBeUndefined();
  });

  it("lists the files a vault uses: its primary and its folder copies (by the copy's name or the primary's)", () => {
    expect(
      vaultFiles({
        path: '/home/ada/chronos.kdbx',
        copies: [{ folder: { path: '/media/usb' } }, { folder: { path: '/mnt/nas', name: 'backup.kdbx' } }, { git: { repo: '/r', remote: 'origin', branch: 'main' } }],
      }),
    ).toEqual(['/home/ada/chronos.kdbx', '/media/usb/chronos.kdbx', '/mnt/nas/backup.kdbx']);
  });
});
