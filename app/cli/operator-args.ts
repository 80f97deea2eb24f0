import { userInfo } from 'node:os';
import { whereOptions } from './invoke.js';

/** What every operator command takes: why, who (`--by`), `--json` for scripts, and where it runs (`--config`, `--env`). */
export const operatorOptions = { reason: { type: 'string' }, by: { type: 'string' }, json: { type: 'boolean' }, ...whereOptions } as const;

/** Who acts: `--by`, else this machine's user name. */
export const actor = (by: string | undefined) => by ?? userInfo().username;
