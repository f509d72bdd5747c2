import type { Command } from '../command';
import { command as transfer } from './transfer';
import { command as transfers } from './transfers';
import { command as stats } from './stats';
import { command as audit } from './audit';

/** Every `fenliu` sub-command, in the order `fenliu --help` lists them. */
export const COMMANDS: readonly Command[] = [transfer, transfers, stats, audit];
