import { InitialSchema1764464400000 } from './1764464400000-InitialSchema';
import { SearchAndRoutes1764550800000 } from './1764550800000-SearchAndRoutes';

/**
 * Every migration, oldest first. Listed as classes (not a glob) so the same list works compiled (dist/),
 * under jest (TypeScript through SWC) and from the TypeORM CLI.
 */
export const migrations = [InitialSchema1764464400000, SearchAndRoutes1764550800000];
