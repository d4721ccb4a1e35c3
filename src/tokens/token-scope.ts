import { CanonicalToken } from './token.model';
import { TokenScope } from './token.store';

/** Whether a connection with `scope` may see and use `token`: ALL yes, NONE no, GROUPS when its group_id is listed. */
export function inScope(token: Pick<CanonicalToken, 'group_id'>, scope: TokenScope): boolean {
  switch (scope.kind) {
    case 'ALL':
      return true;
    case 'NONE':
      return false;
    case 'GROUPS':
      return token.group_id !== null && scope.group_ids.includes(token.group_id);
  }
}
