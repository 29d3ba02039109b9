/** The Electron binary's path when it is installed and runs; null otherwise. */
export function electronBinary(): string | null;
export function electronVersion(): string;
