import { AsyncResource } from 'node:async_hooks';

/**
 * Replaces `AsyncResource.prototype.bind` with an equivalent that leaves out the deprecated accessor of the bound
 * function's `asyncResource` property (DEP0172), where this Node version has that accessor (Node 20 does).
 *
 * Why: Fastify binds an AsyncResource for every request with a body (its content-type parser), and Node's bind wraps
 * the accessor's getter and setter with `util.deprecate`, which sets each wrapper's prototype to a fresh closure. Those
 * closures hold the request's objects (the bound callback, its request and reply), and V8 then keeps them through
 * every young-generation collection: measured with a bare Fastify POST route under 50 connections (load average
 * 12 on 2 cores), about 4 KB of each request promoted to the old generation and scavenges of about 20 ms (2 ms
 * without), with a third of the throughput. Those pauses were most of the real-time authorization's p99.
 *
 * What stays the same: the bound function runs `fn` in the resource's async scope (AsyncLocalStorage stores and
 * async ids as before) with the caller's `this` (or `thisArg`) and arguments, has `fn`'s length, and its
 * `asyncResource` property still gives the resource (as a plain property, without the deprecation warning). A
 * non-function still throws Node's own ERR_INVALID_ARG_TYPE. Idempotent; does nothing where bind has no accessor.
 */
type AnyFunction = (...args: unknown[]) => unknown;
type Bind = (this: AsyncResource, fn: AnyFunction, thisArg?: unknown) => AnyFunction;

export function installLeanAsyncResourceBind(): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with its resource (original.call)
  const original = AsyncResource.prototype.bind as unknown as Bind & { lean?: boolean };
  if (original.lean) return;
  const probe = new AsyncResource('probe').bind(() => undefined);
  if (typeof Object.getOwnPropertyDescriptor(probe, 'asyncResource')?.get !== 'function') return;
  const bind: Bind = function bind(fn, thisArg) {
    if (typeof fn !== 'function') return original.call(this, fn, thisArg);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the resource the bound function runs in
    const resource = this;
    const bound =
      thisArg === undefined
        ? function (this: unknown, ...args: unknown[]) {
            return resource.runInAsyncScope(fn, this, ...args);
          }
        : (resource.runInAsyncScope.bind(resource, fn, thisArg) as AnyFunction);
    Object.defineProperties(bound, {
      length: { configurable: true, enumerable: false, value: fn.length, writable: false },
      asyncResource: { configurable: true, enumerable: true, value: resource, writable: true },
    });
    return bound;
  };
  Object.defineProperty(bind, 'lean', { value: true });
  AsyncResource.prototype.bind = bind as unknown as typeof AsyncResource.prototype.bind;
}
