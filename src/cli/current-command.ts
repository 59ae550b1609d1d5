/**
 * The command being run (`clv fit`), set by the program before each action, for the "not yet
 * available on <engine>" errors of cli/store.ts. Its own module so the program sets it without
 * loading the store.
 */
let currentCommand = 'this command';

export function setCurrentCommand(name: string): void {
  currentCommand = name;
}

export function getCurrentCommand(): string {
  return currentCommand;
}
