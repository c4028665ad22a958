import type { Command } from 'commander';

export function registerDemoCommands(program: Command): void {
  void program;
}
