import type { Command } from '../command';
import { command as transfer } from './transfer';
import { command as transfers } from './transfers';
import { command as stats } from './stats';
import { command as audit } from './audit';
import { command as devices } from './devices';
import { command as keys } from './keys';
import { command as serve } from './serve';
import { command as sync } from './sync';
import { command as doctor } from './doctor';
import { command as classify } from './classify';
import { command as rules } from './rules';
import { command as recover } from './recover';

/** Every `fenliu` sub-command, in the order `fenliu --help` lists them. */
export const COMMANDS: readonly Command[] = [transfer, transfers, stats, audit, devices, keys, serve, sync, doctor, classify, rules, recover];
