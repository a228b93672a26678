import type { Command } from './command.js';
import getconfig from './getconfig.js';
import getdeposit from './getdeposit.js';
import getlicense from './getlicense.js';
import getstatus from './getstatus.js';
import listpm from './listpm.js';
import listpos from './listpos.js';
import listproducts from './listproducts.js';
import listtransactions from './listtransactions.js';
import payitems from './payitems.js';
import registerdevice from './registerdevice.js';
import verifyauth from './verifyauth.js';
import version from './version.js';

/** The command registry: name → command. Costs live in config (COMMAND_COSTS). */
export const COMMANDS: ReadonlyMap<string, Command<unknown>> = new Map(
  [getconfig, getdeposit, getlicense, listpos, verifyauth, listpm, listproducts, payitems, registerdevice, version, getstatus, listtransactions].map(
    (c) => [c.name, c as Command<unknown>],
  ),
);

export type { Answer, Command, CommandContext, Session } from './command.js';
