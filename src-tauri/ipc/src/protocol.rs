//! The wire protocol between the renderer SDK and the core, named once on the Rust side: the
//! headers a raw command carries, the form byte that ends an invoke's answer, the events the
//! core emits to frames, the channel prefix the host keeps, and the commands the SDK and the
//! shell call. `ui/sdk/protocol.js` is the SDK's copy; `tests/js/protocol.test.mjs` checks that
//! the two agree and that no other product file spells these literals (docs/protocol.md).

/// Header names of the raw commands.
pub mod header {
    /// The call: `<extension> <token> <channel>`, or for a reply `<extension> <token> <request>`.
    /// One header rather than three: each header a request carries costs time on every call
    /// (the benchmark's small-invoke case guards it).
    pub const CALL: &str = "ferrolens-call";
    /// Optional invoke timeout in milliseconds.
    pub const TIMEOUT_MS: &str = "ferrolens-timeout-ms";
    /// Optional invoke call id, for `ferrolens_cancel`.
    pub const CALL_ID: &str = "ferrolens-call-id";
    /// How the body holds the arguments: absent for a wire-format message; `uint8array` or
    /// `arraybuffer` when the body is the bytes of the only argument, a value of that kind.
    pub const ARGS: &str = "ferrolens-args";
    /// The ticket of a parked answer, for `ferrolens_take_answer`.
    pub const ANSWER: &str = "ferrolens-answer";
}

/// The last byte of an invoke's answer body: what the bytes before it are.
pub mod form {
    /// A wire-format message (docs/wire-format.md).
    pub const MESSAGE: u8 = 0;
    /// The bytes of a `Uint8Array` over the whole of its buffer.
    pub const UINT8_ARRAY: u8 = 1;
    /// The bytes of an `ArrayBuffer`.
    pub const ARRAY_BUFFER: u8 = 2;
    /// A lone binary answer parked for `ferrolens_take_answer`: its ticket (8 bytes, little
    /// endian), then its kind (`UINT8_ARRAY` or `ARRAY_BUFFER`).
    pub const PARKED: u8 = 3;
}

/// Tauri events the core emits to frames.
pub mod event {
    /// Prefix of an extension's broadcast event; the extension's event key follows.
    pub const IPC_PREFIX: &str = "ferrolens:ipc:";
    /// An extension fault, for the shell's Problems list.
    pub const FAULT: &str = "ferrolens:fault";
    /// An extension was activated, deactivated or uninstalled.
    pub const LIFECYCLE: &str = "ferrolens:lifecycle";
}

/// Prefix of channels the host keeps for itself.
pub const RESERVED_CHANNEL_PREFIX: &str = "ferrolens:";

/// Path, on an extension's realm host, of the realm's own channel to the core; a command's name
/// follows (`ferrolens-ext://<host>/.ferrolens/ipc/<command>`).
pub const REALM_CHANNEL_PATH: &str = "/.ferrolens/ipc/";

/// The commands the SDK and the shell call.
pub mod command {
    /// An invoke: call header, arguments as the raw body; the answer ends with a [form](super::form) byte.
    pub const INVOKE_RAW: &str = "ferrolens_invoke_raw";
    /// A broadcast: call header, arguments as the raw body.
    pub const BROADCAST_RAW: &str = "ferrolens_broadcast_raw";
    /// Takes a parked answer (header `ferrolens-answer`).
    pub const TAKE_ANSWER: &str = "ferrolens_take_answer";
    /// Cancels an invoke in flight by its call id.
    pub const CANCEL: &str = "ferrolens_cancel";
    /// A frame's answer to main's request, as JSON (an error, or a JSON value).
    pub const REPLY: &str = "ferrolens_reply";
    /// A frame's answer to main's request, as a wire-format body.
    pub const REPLY_RAW: &str = "ferrolens_reply_raw";
    /// The frame's extensions and their capabilities.
    pub const FRAME_INIT: &str = "ferrolens_frame_init";
    /// One extension activated after the frame initialised.
    pub const FRAME_ATTACH: &str = "ferrolens_frame_attach";
    /// An extension's renderer part can receive broadcasts.
    pub const FRAME_READY: &str = "ferrolens_frame_ready";
    /// The shell: every extension and its state.
    pub const EXTENSIONS: &str = "ferrolens_extensions";
    /// The shell: main-side listener and handler counts of an extension.
    pub const COUNTS: &str = "ferrolens_counts";
    /// The shell: enables or disables an extension.
    pub const SET_ENABLED: &str = "ferrolens_set_enabled";
    /// The shell: what the user grants a WebAssembly main part (memory cap, data folder).
    pub const SET_COMPONENT_GRANTS: &str = "ferrolens_set_component_grants";
    /// The shell: removes a user extension.
    pub const UNINSTALL: &str = "ferrolens_uninstall";
    /// The shell: installs an extension from a folder.
    pub const INSTALL: &str = "ferrolens_install";
    /// The shell: the open frames.
    pub const FRAMES: &str = "ferrolens_frames";
    /// The shell: opens a frame.
    pub const OPEN_FRAME: &str = "ferrolens_open_frame";
    /// The shell: closes a frame.
    pub const CLOSE_FRAME: &str = "ferrolens_close_frame";
    /// The shell: opens the frame's devtools.
    pub const OPEN_DEVTOOLS: &str = "ferrolens_open_devtools";
    /// The shell: starts or stops the IPC inspector's recording.
    pub const INSPECTOR_RECORD: &str = "ferrolens_inspector_record";
    /// The shell: the inspector's entries since a sequence number.
    pub const INSPECTOR_ENTRIES: &str = "ferrolens_inspector_entries";
    /// The shell: empties the inspector.
    pub const INSPECTOR_CLEAR: &str = "ferrolens_inspector_clear";
    /// The shell: the inspector's entries as JSON text.
    pub const INSPECTOR_EXPORT: &str = "ferrolens_inspector_export";

    /// Every command above, for the check that the app answers each.
    pub const ALL: [&str; 23] = [
        INVOKE_RAW,
        BROADCAST_RAW,
        TAKE_ANSWER,
        CANCEL,
        REPLY,
        REPLY_RAW,
        FRAME_INIT,
        FRAME_ATTACH,
        FRAME_READY,
        EXTENSIONS,
        COUNTS,
        SET_ENABLED,
        SET_COMPONENT_GRANTS,
        UNINSTALL,
        INSTALL,
        FRAMES,
        OPEN_FRAME,
        CLOSE_FRAME,
        OPEN_DEVTOOLS,
        INSPECTOR_RECORD,
        INSPECTOR_ENTRIES,
        INSPECTOR_CLEAR,
        INSPECTOR_EXPORT,
    ];
}
