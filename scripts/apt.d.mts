export function has(command: string): boolean;
export function canInstall(): boolean;
export function aptInstall(packages: readonly string[], say?: (line: string) => void): void;
