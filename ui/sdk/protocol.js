// @ts-check
// The wire protocol between the SDK and the core, named once on the SDK's side: the headers a
// raw command carries, the form byte that ends an invoke's answer, the events the core emits,
// the channel prefix the host keeps, and the commands the SDK and the shell call. The core's copy
// is `src-tauri/ipc/src/protocol.rs`; tests/js/protocol.test.mjs checks that the two agree and
// that no other product file spells these literals (docs/protocol.md).

/** Header names of the raw commands. */
export const Header = Object.freeze({
  /** the call: `<extension> <token> <channel>`, or for a reply `<extension> <token> <request>` */
  CALL: "ferrolens-call",
  /** optional invoke timeout in milliseconds */
  TIMEOUT_MS: "ferrolens-timeout-ms",
  /** optional invoke call id, for `Command.CANCEL` */
  CALL_ID: "ferrolens-call-id",
  /** absent for a wire-format body; `uint8array` or `arraybuffer` when the body is the lone argument's bytes */
  ARGS: "ferrolens-args",
  /** the ticket of a parked answer, for `Command.TAKE_ANSWER` */
  ANSWER: "ferrolens-answer",
});

/** The last byte of an answer body: what the bytes before it are. */
export const AnswerForm = Object.freeze({
  /** a wire-format message (docs/wire-format.md) */
  MESSAGE: 0,
  /** the bytes of a Uint8Array over the whole of its buffer */
  UINT8_ARRAY: 1,
  /** the bytes of an ArrayBuffer */
  ARRAY_BUFFER: 2,
  /**
   * a large lone binary answer, parked in the core: its ticket (8 bytes, little endian), then
   * its kind (UINT8_ARRAY or ARRAY_BUFFER); `ferrolens_take_answer` answers with its bytes alone
   */
  PARKED: 3,
});

/** Tauri events the core emits to frames. */
export const CoreEvent = Object.freeze({
  /** prefix of an extension's broadcast event; the core names the whole event in frame init */
  IPC_PREFIX: "ferrolens:ipc:",
  /** an extension fault, for the shell's Problems list */
  FAULT: "ferrolens:fault",
  /** an extension was activated, deactivated or uninstalled */
  LIFECYCLE: "ferrolens:lifecycle",
});

/** Prefix of channels the host keeps for itself. */
export const RESERVED_CHANNEL_PREFIX = "ferrolens:";

/**
 * Path, on an extension's realm host, of the realm's own channel to the core; a command's name
 * follows (`ferrolens-ext://<host>/.ferrolens/ipc/<command>`).
 */
export const REALM_CHANNEL_PATH = "/.ferrolens/ipc/";

/** The commands the SDK and the shell call. */
export const Command = Object.freeze({
  INVOKE_RAW: "ferrolens_invoke_raw",
  BROADCAST_RAW: "ferrolens_broadcast_raw",
  TAKE_ANSWER: "ferrolens_take_answer",
  CANCEL: "ferrolens_cancel",
  REPLY: "ferrolens_reply",
  REPLY_RAW: "ferrolens_reply_raw",
  FRAME_INIT: "ferrolens_frame_init",
  FRAME_ATTACH: "ferrolens_frame_attach",
  FRAME_READY: "ferrolens_frame_ready",
  EXTENSIONS: "ferrolens_extensions",
  COUNTS: "ferrolens_counts",
  SET_ENABLED: "ferrolens_set_enabled",
  SET_COMPONENT_GRANTS: "ferrolens_set_component_grants",
  UNINSTALL: "ferrolens_uninstall",
  INSTALL: "ferrolens_install",
  FRAMES: "ferrolens_frames",
  OPEN_FRAME: "ferrolens_open_frame",
  CLOSE_FRAME: "ferrolens_close_frame",
  OPEN_DEVTOOLS: "ferrolens_open_devtools",
  INSPECTOR_RECORD: "ferrolens_inspector_record",
  INSPECTOR_ENTRIES: "ferrolens_inspector_entries",
  INSPECTOR_CLEAR: "ferrolens_inspector_clear",
  INSPECTOR_EXPORT: "ferrolens_inspector_export",
});
