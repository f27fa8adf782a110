// A fake of the SDK's transport: records every command, lets a test script answers and push
// events, and counts live event listeners.

/**
 * @typedef {{ command: string, args: any }} Call
 * @typedef {(args: any) => unknown} Answer  returns the answer, or throws / rejects
 * @typedef {{ handler: (payload: any) => void, target: unknown, live: boolean }} Subscription
 */

export class FakeTransport {
  /** @type {Call[]} every command sent, in order */
  calls = [];
  /** @type {Map<string, Subscription[]>} */
  subscriptions = new Map();
  /** @type {Map<string, Answer>} */
  answers = new Map();

  /**
   * @param {{ frame?: string, extensions?: any[] }} [init]  what ferrolens_frame_init answers
   */
  constructor(init = {}) {
    const frameInit = { frame: init.frame ?? "main", extensions: init.extensions ?? [] };
    this.answers.set("ferrolens_frame_init", () => frameInit);
  }

  /**
   * Scripts the answer of `command`.
   * @param {string} command
   * @param {Answer} answer
   */
  answer(command, answer) {
    this.answers.set(command, answer);
    return this;
  }

  /**
   * @param {string} command
   * @param {any} [args]
   * @returns {Promise<any>}
   */
  async invoke(command, args) {
    this.calls.push({ command, args });
    const answer = this.answers.get(command);
    return answer === undefined ? null : answer(args);
  }

  /**
   * @param {string} event
   * @param {(payload: any) => void} handler
   * @param {unknown} [target]
   * @returns {Promise<() => void>}
   */
  async listen(event, handler, target) {
    /** @type {Subscription} */
    const subscription = { handler, target, live: true };
    const list = this.subscriptions.get(event) ?? [];
    list.push(subscription);
    this.subscriptions.set(event, list);
    return () => {
      subscription.live = false;
    };
  }

  /**
   * Delivers `payload` to every live listener of `event`, as Tauri would.
   * @param {string} event
   * @param {unknown} payload
   */
  emit(event, payload) {
    for (const subscription of this.subscriptions.get(event) ?? []) {
      if (subscription.live) subscription.handler(payload);
    }
  }

  /**
   * Live listeners of `event`.
   * @param {string} event
   */
  listenerCount(event) {
    return (this.subscriptions.get(event) ?? []).filter((s) => s.live).length;
  }

  /**
   * The arguments of every call of `command`, in order.
   * @param {string} command
   */
  argsOf(command) {
    return this.calls.filter((c) => c.command === command).map((c) => c.args);
  }
}

/**
 * The LoadedExtension the core would hand a frame for `id`.
 * @param {string} id
 */
export function loaded(id) {
  return {
    id,
    name: id,
    version: "1.0.0",
    description: `the ${id} extension`,
    renderer: `ferrolens-ext://${id}/renderer.js`,
    token: `token-of-${id}-0123456789abcdef`,
    event: `ferrolens:ipc:${id}`,
  };
}

/**
 * A broadcast payload as the core emits it.
 * @param {string} channel
 * @param {unknown[]} args
 * @param {{ kind: "main" } | { kind: "frame", label: string }} [origin]
 */
export function payload(channel, args, origin = { kind: "main" }) {
  return { channel, origin, args };
}

/**
 * A main-to-frame request payload as the core emits it, on the same event as broadcasts.
 * @param {number} id
 * @param {string} channel
 * @param {unknown[]} args
 */
export function request(id, channel, args = []) {
  return { kind: "request", id, channel, args };
}

/** Lets pending promise callbacks run. */
export function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}
