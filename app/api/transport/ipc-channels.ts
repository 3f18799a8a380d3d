// IPC channel names, dependency-free so the preload bundle stays tiny.
export const IPC_PREFIX = 'shoebox:';
export const IPC_EVENT_CHANNEL = 'shoebox:event';
/** Shell-only requests that are not part of LibraryApi (they need a native dialog or the OS shell). */
export const IPC_PICK_FOLDER = 'shoebox-shell:pick-folder';
export const IPC_REVEAL = 'shoebox-shell:reveal';
