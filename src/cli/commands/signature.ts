import type { Command } from 'commander';

export function registerSignatureCommands(program: Command): void {
  void program;
}
