import { MemoryStateStore } from '../../shared/state/memory.js';
import { stateStoreContract } from './contract.js';

stateStoreContract('in memory', async () => new MemoryStateStore());
