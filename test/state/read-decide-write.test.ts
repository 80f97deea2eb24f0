import { describe, expect, it } from 'vitest';
import type { GuardState } from '../../shared/state/guard.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import { StateConflictError } from '../../shared/errors.js';
import { readDecideWrite } from '../../shared/state/read-decide-write.js';

const targetKey = 'ecs:prod/api';
const store = () => new MemoryStateStore();
const guardOf = async (s: MemoryStateStore) => (await s.getGuard(targetKey)).guard;

/** One more failed verification on the target's guard, as a decision that knows nothing of versions. */
const countFailure = (s: MemoryStateStore, onWrite?: () => Promise<void>) =>
  readDecideWrite({
    read: () => guardOf(s),
    decide: (guard): GuardState => ({ targetKey, version: -1, actions: [], failedVerifications: (guard?.failedVerifications ?? 0) + 1 }),
    write: async (next, expected) => {
      await onWrite?.();
      await s.putGuard(next, expected);
    },
  });

describe('readDecideWrite', () => {
  it('writes the next version on the version read, whatever the decision says', async () => {
    const s = store();
    for (let i = 0; i < 3; i++) await countFailure(s);
    expect(await guardOf(s)).toMatchObject({ version: 3, failedVerifications: 3 });
  });

  it('writes nothing when the decision changes nothing', async () => {
    const s = store();
    const { written } = await readDecideWrite({ read: () => guardOf(s), decide: () => undefined, write: () => Promise.reject(new Error('no write')) });
    expect(written).toBeUndefined();
  });

  it('after a lost race reads again and decides on what the winner wrote: nothing counted twice or lost', async () => {
    const s = store();
    await Promise.all(Array.from({ length: 10 }, () => countFailure(s)));
    expect(await guardOf(s)).toMatchObject({ version: 10, failedVerifications: 10 });
  });

  it('gives up on a hot item after 8 lost races, saying so', async () => {
    const s = store();
    // Someone else writes between every read and write.
    const rival = () => countFailure(s);
    let racing = 0;
    await expect(countFailure(s, async () => void (racing++ < 20 && (await rival())))).rejects.toBeInstanceOf(StateConflictError);
    expect(racing).toBe(8);
  });
});
