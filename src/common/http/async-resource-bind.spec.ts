import { AsyncLocalStorage, AsyncResource, executionAsyncId } from 'node:async_hooks';
import { installLeanAsyncResourceBind } from './async-resource-bind';

/** The lean AsyncResource.prototype.bind behaves as Node's own (async scope, this, arguments, length, errors). */
describe('installLeanAsyncResourceBind', () => {
  beforeAll(() => installLeanAsyncResourceBind());

  it('runs the function in the resource’s async scope, with the store of where the resource was made', () => {
    const storage = new AsyncLocalStorage<string>();
    const resource = storage.run('request-1', () => new AsyncResource('test'));
    const bound = resource.bind((a: number, b: number) => ({ id: executionAsyncId(), store: storage.getStore(), sum: a + b }));
    expect(storage.run('other', () => bound(2, 3))).toEqual({ id: resource.asyncId(), store: 'request-1', sum: 5 });
  });

  it('passes the caller’s this, or thisArg when given; keeps the length; asyncResource gives the resource', () => {
    const resource = new AsyncResource('test');
    function who(this: { name: string } | undefined, x: number, y: number) {
      return `${this?.name} ${x + y}`;
    }
    // Node's bind takes a thisArg that @types/node does not declare.
    const bindWith = resource.bind.bind(resource) as unknown as (fn: typeof who, thisArg?: unknown) => typeof who;
    const bound = bindWith(who);
    expect(bound.call({ name: 'caller' }, 1, 2)).toBe('caller 3');
    expect(bound.length).toBe(2);
    expect((bound as unknown as { asyncResource: AsyncResource }).asyncResource).toBe(resource);
    expect(bindWith(who, { name: 'given' }).call({ name: 'caller' }, 1, 2)).toBe('given 3');
    const staticBind = AsyncResource.bind.bind(AsyncResource) as unknown as (fn: typeof who, type: string, thisArg: unknown) => (x: number, y: number) => string;
    expect(staticBind(who, 'static', { name: 'static' })(1, 2)).toBe('static 3');
    expect(Object.getOwnPropertyDescriptor(AsyncResource.prototype, 'bind')?.value).toHaveProperty('lean', true);
  });

  it('refuses a non-function as Node does', () => {
    expect(() => new AsyncResource('test').bind(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
