/**
 * `@ferrolens/extensions`: the renderer SDK of Ferrolens extensions.
 *
 * An extension's renderer part default-exports a subclass of {@link LensExtension} and talks to
 * its own main part (and its renderer part in other frames) through a subclass of {@link Ipc}:
 *
 * ```js
 * import { Renderer } from "@ferrolens/extensions";
 *
 * export class IpcRenderer extends Renderer.Ipc {}
 *
 * export default class ExampleRenderer extends Renderer.LensExtension {
 *   async onActivate() {
 *     const ipc = IpcRenderer.createInstance(this);
 *     ipc.listen("initialize", (event, id) => console.log(event.origin, id));
 *     await ipc.broadcast("initialize", "an-id");
 *     const answer = await ipc.invoke("greet", "you");
 *     ipc.handle("frame-info", () => ({ title: document.title })); // main asks this frame
 *   }
 * }
 * ```
 *
 * Values cross the boundary with `structuredClone` semantics (docs/wire-format.md): `undefined`,
 * `NaN`, `-0`, BigInt, Date, RegExp, Map, Set, ArrayBuffer, typed arrays and DataView (offsets
 * and shared buffers kept), Errors, boxed primitives, sparse arrays, and shared and cyclic
 * references all arrive as they were sent; class instances arrive as plain objects. Arguments
 * are copied when the call is made: changing them afterwards changes nothing that was sent.
 * What `structuredClone` refuses (functions, symbols, WeakMap, WeakSet, WeakRef, Promise, DOM
 * nodes...), and SharedArrayBuffer, make {@link Ipc.invoke}, {@link Ipc.invokeWith} and
 * {@link Ipc.broadcast} throw a `DataCloneError` (a `DOMException`) synchronously, at the call
 * site, as `postMessage` does; nothing is sent then. Nesting is limited to 10,000 levels per
 * message, and the arguments travel in one array: an argument may nest 9,999 levels.
 *
 * @packageDocumentation
 */

/**
 * Every code an {@link IpcError} can carry (docs/protocol.md, "Errors").
 *
 * All come from the Rust core except `TRANSPORT_FAILED`, which the SDK sets when the Tauri call
 * itself failed before reaching the core (a missing command, no Tauri at all); its message is
 * the transport's own. Values that cannot be cloned are no IpcError: they throw a
 * `DataCloneError` at the call site.
 */
export declare const ErrorCode: Readonly<{
  /** An extension id or channel name is not valid. */
  INVALID_NAME: "INVALID_NAME";
  /** No extension with that id was discovered. */
  UNKNOWN_EXTENSION: "UNKNOWN_EXTENSION";
  /** The extension is disabled, failed, not activated, or was deactivated in this frame. */
  EXTENSION_NOT_ACTIVE: "EXTENSION_NOT_ACTIVE";
  /** The extension was deactivated while the call was in flight. */
  EXTENSION_DEACTIVATED: "EXTENSION_DEACTIVATED";
  /**
   * Main has no handler on that channel; or, for a request from main to a frame, that frame has
   * none (see {@link Ipc.handle}).
   */
  NO_HANDLER: "NO_HANDLER";
  /** A second `handle` on one channel (in main, or in one frame: see {@link Ipc.handle}). */
  HANDLER_EXISTS: "HANDLER_EXISTS";
  /**
   * The handler returned an error (main's), or threw or rejected (a frame's, answering main):
   * see {@link IpcError.cause}.
   */
  HANDLER_FAILED: "HANDLER_FAILED";
  /** The handler panicked; the app keeps running. */
  HANDLER_PANICKED: "HANDLER_PANICKED";
  /**
   * The arguments could not be decoded as the handler asked (the message names the argument);
   * or an answer, or a frame's reply, was not a valid wire-format message.
   */
  BAD_PAYLOAD: "BAD_PAYLOAD";
  /** Over the host's size limit. */
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE";
  BUSY: "BUSY";
  /** Wrong or stale capability, wrong frame, another extension's namespace, or denied by Tauri. */
  FORBIDDEN: "FORBIDDEN";
  /** The `timeout` of {@link Ipc.invokeWith} elapsed. */
  TIMED_OUT: "TIMED_OUT";
  /** The caller cancelled (see {@link InvokeOptions.signal}). */
  CANCELLED: "CANCELLED";
  /** The extension's own activation code failed. */
  ACTIVATION_FAILED: "ACTIVATION_FAILED";
  /** SDK only: the Tauri call failed before reaching the core; the message is the transport's. */
  TRANSPORT_FAILED: "TRANSPORT_FAILED";
}>;

/** One of the {@link ErrorCode} values, e.g. `"NO_HANDLER"`. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A handler's error as it travels (docs/protocol.md). */
export interface WireErrorCause {
  name: string;
  message: string;
  code?: string;
  data?: unknown;
  cause?: WireErrorCause;
}

/** An IpcError as the Rust core rejects with it (docs/protocol.md). */
export interface WireIpcError {
  name: "IpcError";
  code: ErrorCode;
  message: string;
  extension?: string;
  channel?: string;
  cause?: WireErrorCause;
}

/**
 * A handler's own error, rebuilt as a real `Error` with the name, message, code and data it was
 * raised with, and what caused it in turn.
 */
export interface IpcErrorCause extends Error {
  /** The error's class name, e.g. `"NotFound"`. */
  name: string;
  /** Machine-readable code chosen by the extension. */
  code?: string;
  /** Structured details chosen by the extension. */
  data?: unknown;
  /** What caused this error, if anything. */
  cause?: IpcErrorCause;
}

/**
 * The error every IPC operation rejects (or, for {@link Ipc.listen} and {@link Ipc.handle},
 * throws) with. Unlike Lens,
 * it keeps what went wrong as a {@link ErrorCode}, which extension and channel it concerns, and
 * the handler's own error as `cause`.
 */
export declare class IpcError extends Error {
  /**
   * @param code - what went wrong
   * @param message - human-readable, names the thing that was wrong
   * @param options - the extension and channel concerned, and the cause
   */
  constructor(
    code: ErrorCode,
    message: string,
    options?: { extension?: string; channel?: string; cause?: Error },
  );
  /** Always `"IpcError"`. */
  name: "IpcError";
  /** What went wrong. */
  code: ErrorCode;
  /** The extension concerned, when known. */
  extension: string | undefined;
  /** The channel concerned, when known. */
  channel: string | undefined;
  /**
   * For `HANDLER_FAILED`: the handler's own error, with its chain of causes. For
   * `TRANSPORT_FAILED`: the transport's error, when it threw one.
   */
  cause: IpcErrorCause | undefined;
  /** Builds an IpcError from the object the Rust core rejects with. */
  static fromWire(wire: WireIpcError): IpcError;
  /** The wire shape, so `JSON.stringify(error)` shows the whole error. */
  toJSON(): WireIpcError;
}

/** What the host passes to an extension's constructor. */
export interface ExtensionInfo {
  /** The extension id: its manifest `name`, e.g. `example` or `@acme/kube-notes`. */
  id: string;
  /** Display name. */
  name: string;
  /** Manifest version. */
  version: string;
  /** Manifest description. */
  description: string;
  /** The label of the frame (window) the extension is loaded into, e.g. `main`. */
  frame?: string;
}

/**
 * The base class of an extension's renderer part. The module's default export must extend it;
 * the host constructs it once per frame and calls {@link LensExtension.onActivate}.
 */
export declare class LensExtension {
  /**
   * @param info - given by the host; a subclass constructor must pass it on to `super`
   */
  constructor(info: ExtensionInfo);
  /** The extension id (its manifest `name`). */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** Manifest version. */
  readonly version: string;
  /** Manifest description. */
  readonly description: string;
  /**
   * The label of the frame (window) this instance runs in, e.g. `main` or `frame-1`: what main
   * names in `ipc.request(frame, ...)` and sees as a broadcast's origin. Also in a realm of its
   * own, where Tauri's globals are not.
   */
  readonly frame: string;
  /**
   * Called once the extension is loaded into this frame; the place for
   * `YourIpc.createInstance(this)`. The host waits for it before it lets held broadcasts
   * through to this frame, so listeners added here miss nothing. If it throws, the extension is
   * marked failed in this frame and the other extensions still load.
   */
  onActivate(): void | Promise<void>;
  /**
   * Called when the extension is disabled or uninstalled. Afterwards the host removes all its
   * listeners and resets its Ipc instances, even when this throws.
   */
  onDeactivate(): void | Promise<void>;
}

/** Where a message came from; set by the Rust core, never by the sender. */
export type IpcOrigin = { kind: "main" } | { kind: "frame"; label: string };

/** What a listener learns about a broadcast, besides its arguments. Frozen. */
export interface IpcEvent {
  /** The extension whose namespace it travelled in: always the listener's own. */
  readonly extension: string;
  /** The channel it was sent on. */
  readonly channel: string;
  /** Who sent it: main, or a frame by its webview label (this frame included). */
  readonly origin: Readonly<IpcOrigin>;
}

/**
 * A broadcast listener. It runs isolated: if it throws (or its promise rejects), the failure is
 * reported and the other listeners still run. `args` are the sender's arguments as
 * `structuredClone` would copy them; all listeners of one broadcast in a frame share one copy. A
 * broadcast whose data cannot be decoded reaches no listener and is reported to the frame's
 * error reporter.
 */
export type IpcListener<Args extends unknown[] = any[]> = (
  event: IpcEvent,
  ...args: Args
) => unknown;

/**
 * What a frame's handler learns about a request from main, besides its arguments. Frozen.
 * Requests to a frame only ever come from the extension's own main part.
 */
export interface IpcRequestEvent {
  /** The extension whose namespace it travelled in: always the handler's own. */
  readonly extension: string;
  /** The channel it was sent on. */
  readonly channel: string;
  /** Always main. */
  readonly origin: Readonly<{ kind: "main" }>;
}

/**
 * A frame's handler of main's requests (see {@link Ipc.handle}). `args` are main's arguments,
 * with structured-clone semantics. What it returns, or what its promise resolves with, is main's
 * answer, copied as `structuredClone` would (`undefined` stays `undefined`); a throw or a
 * rejection reaches main as `HANDLER_FAILED` with the error as `cause`.
 */
export type IpcHandler<Args extends unknown[] = any[], Result = unknown> = (
  event: IpcRequestEvent,
  ...args: Args
) => Result | PromiseLike<Result>;

/** Removes what it was returned for; calling it again does nothing. */
export type Disposer = () => void;

/** Options of {@link Ipc.invokeWith}. */
export interface InvokeOptions {
  /**
   * Milliseconds the core waits for the handler (rounded up to whole milliseconds); then the
   * call rejects with `TIMED_OUT` and the handler sees itself cancelled.
   */
  timeout?: number;
  /**
   * Aborting it rejects the call at once with `CANCELLED` and asks the core to cancel the
   * handler. An already aborted signal rejects without sending anything.
   */
  signal?: AbortSignal;
}

/**
 * One extension's IPC in this frame (Lens's `Renderer.Ipc`). Abstract: declare a subclass
 * (`class IpcRenderer extends Renderer.Ipc {}`) and use its static methods. Each subclass has one
 * instance per frame.
 *
 * Everything travels in the extension's own namespace: its main part and its renderer part in
 * every frame hear it, no other extension does.
 */
export declare abstract class Ipc {
  /**
   * Not called directly (it throws): use `YourIpc.createInstance(extension)`. A subclass may
   * override it to add listeners, passing `extension` on to `super`.
   */
  protected constructor(extension: LensExtension);

  /**
   * Creates this subclass's instance for `extension`, or returns the one already created (the
   * argument is then ignored, as in Lens).
   * @param extension - the extension the host loaded: pass `this` from `onActivate`
   * @throws TypeError when called on `Ipc` itself, or when `extension` is not an extension the
   *   Ferrolens host loaded in this frame
   */
  static createInstance<T extends Ipc>(this: { prototype: T }, extension: LensExtension): T;

  /**
   * The instance {@link Ipc.createInstance} made.
   * @throws Error "instance of IpcRenderer is not created: call IpcRenderer.createInstance(this)
   *   in onActivate" before then
   */
  static getInstance<T extends Ipc>(this: { prototype: T }): T;

  /**
   * Forgets this subclass's instance and removes the listeners and handlers added through it;
   * the next {@link Ipc.createInstance} builds a new one. The host does this on deactivation.
   */
  static resetInstance(): void;

  /** The extension this instance speaks for. */
  protected readonly extension: LensExtension;

  /**
   * Calls `listener(event, ...args)` for each broadcast on `channel` in this extension's
   * namespace, from main or any frame, this one included; exactly once per broadcast. The same
   * function listened twice fires twice.
   * @returns a disposer that removes this listener only
   * @throws IpcError `INVALID_NAME` for a bad channel name, `EXTENSION_NOT_ACTIVE` after
   *   deactivation; TypeError when `listener` is not a function
   */
  listen<Args extends unknown[] = any[]>(channel: string, listener: IpcListener<Args>): Disposer;

  /**
   * Answers main's requests on `channel` to this frame (main's `ipc.request(frame, channel, ..)`):
   * `handler(event, ...args)` runs once per request and its return value, awaited when it is a
   * promise, is main's answer. Every request gets exactly one answer:
   *
   * - the handler's value, with structured-clone semantics (a value that cannot be cloned, e.g.
   *   one holding a function, reaches main as `BAD_PAYLOAD` and is reported here);
   * - `HANDLER_FAILED` when it throws or its promise rejects, with the error as `cause`
   *   (`{ name, message, code?, data?, stack?, cause? }`);
   * - `NO_HANDLER` when this frame has no handler on the channel (none registered yet, or
   *   removed);
   * - `BAD_PAYLOAD` when the request's arguments could not be decoded (also reported here).
   *
   * Register it in `onActivate`: requests main sends before `onActivate` resolved are held by
   * the core until then, like broadcasts.
   *
   * One handler per channel per frame, shared by all Ipc subclasses of the extension; handlers
   * are removed on deactivation and by {@link Ipc.resetInstance}, like listeners. An answer that
   * cannot be delivered (main stopped waiting: timeout, cancellation) is reported to the frame's
   * error reporter, never thrown.
   * @returns a disposer that removes this handler (and never a later one on the same channel)
   * @throws IpcError `HANDLER_EXISTS` when the channel already has a handler in this frame,
   *   `INVALID_NAME` for a bad channel name, `EXTENSION_NOT_ACTIVE` after deactivation;
   *   TypeError when `handler` is not a function
   */
  handle<Args extends unknown[] = any[]>(channel: string, handler: IpcHandler<Args>): Disposer;

  /**
   * Sends `args` to every listener of `channel` in main and in every frame, this one included.
   * Resolves once main's listeners ran and the frames were sent the event; one extension's
   * broadcasts from one frame keep their order. Callers may ignore the promise.
   *
   * `args` keep structured-clone semantics and are copied before this returns.
   * @returns rejects with an {@link IpcError} (`INVALID_NAME` for a bad channel name,
   *   `EXTENSION_NOT_ACTIVE` after deactivation)
   * @throws DOMException `DataCloneError`, synchronously and sending nothing, when an argument
   *   cannot be cloned (the message names it, e.g. `function onClick at args[1].onClick could
   *   not be cloned`); an exception a getter throws while the arguments are copied propagates as
   *   it is
   */
  broadcast(channel: string, ...args: unknown[]): Promise<void>;

  /**
   * Calls main's handler of `channel` with `args` and resolves with its answer. Both keep
   * structured-clone semantics; `args` are copied before this returns.
   * @returns rejects with an {@link IpcError}: `NO_HANDLER`, `HANDLER_FAILED` (see `cause`),
   *   `BAD_PAYLOAD`, `INVALID_NAME`, `EXTENSION_NOT_ACTIVE`, ...
   * @throws DOMException `DataCloneError`, synchronously and sending nothing, when an argument
   *   cannot be cloned; an exception a getter throws while the arguments are copied propagates
   */
  invoke<T = unknown>(channel: string, ...args: unknown[]): Promise<T>;

  /**
   * {@link Ipc.invoke} with a timeout and/or an AbortSignal.
   * @returns rejects with an {@link IpcError} (`TIMED_OUT`, `CANCELLED`, or as `invoke`), or
   *   with a TypeError for unusable options
   * @throws DOMException `DataCloneError`, synchronously and sending nothing, when an argument
   *   cannot be cloned, as {@link Ipc.invoke} (even with an already aborted signal); a bad
   *   channel name and unusable options reject instead
   */
  invokeWith<T = unknown>(options: InvokeOptions, channel: string, ...args: unknown[]): Promise<T>;
}

/** Lens-style namespace: `class IpcRenderer extends Renderer.Ipc {}`. */
export declare namespace Renderer {
  export { Ipc, LensExtension };
}
