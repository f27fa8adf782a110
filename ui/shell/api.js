// @ts-check
// The shell's commands to the Rust core (src-tauri/src/commands.rs), typed. They reject with
// what the command rejected with: an IpcError-shaped object or a string (see dom.errorMessage).
import { Command } from "../sdk/protocol.js";

/**
 * @typedef {object} ExtensionInfo
 * @property {string} key  identifies the folder (unique in the list); rows are keyed by it
 * @property {string} id
 * @property {string} name
 * @property {string} version
 * @property {string} description
 * @property {"bundled" | "user"} source
 * @property {"active" | "disabled" | "failed"} state
 * @property {string} [error]  why it failed
 * @property {boolean} refused  refused at load: it holds no id, so it cannot be enabled or
 *   uninstalled from here (a second folder claiming an id, a broken manifest...)
 * @property {string} path  its folder
 * @property {string | null} main
 * @property {string | null} renderer
 * @property {boolean} dataDir  its manifest declares the data-dir capability
 * @property {import("./component-grants.js").Grants} [grants]  for a WebAssembly main part:
 *   what the user granted it
 */

/** @typedef {{ listeners: number, handlers: number }} Counts */

/** @typedef {{ label: string, extensions: [string, boolean][] }} FrameInfo */

/**
 * @typedef {object} InspectorEntry
 * @property {number} seq
 * @property {number} at  unix ms
 * @property {"broadcast" | "invoke" | "reply" | "error" | "request"} kind
 * @property {string} extension
 * @property {string} channel
 * @property {{ kind: "main" } | { kind: "frame", label: string }} origin
 * @property {string} direction
 * @property {number} size  bytes of the payload as kept (a preview bounded in depth and size)
 * @property {boolean} [truncated]  true when the payload was cut to fit that preview
 * @property {number} [latencyMs]
 * @property {{ code: string, message: string }} [error]
 * @property {unknown} payload
 */

/** @typedef {{ recording: boolean, capacity: number, entries: InspectorEntry[] }} InspectorView */

/** @param {import("../sdk/transport.js").Transport} transport */
export function shellApi(transport) {
  const call = transport.invoke;
  return {
    /** @returns {Promise<ExtensionInfo[]>} */
    extensions: () => call(Command.EXTENSIONS, {}),
    /** @param {string} extension @returns {Promise<Counts>} */
    counts: (extension) => call(Command.COUNTS, { extension }),
    /** @param {string} extension @param {boolean} enabled @returns {Promise<void>} */
    setEnabled: (extension, enabled) => call(Command.SET_ENABLED, { extension, enabled }),
    /**
     * @param {string} extension @param {number | null} memoryMib  null for the default
     * @param {boolean} dataDir  whether it keeps its declared data folder
     * @returns {Promise<void>}
     */
    setComponentGrants: (extension, memoryMib, dataDir) =>
      call(Command.SET_COMPONENT_GRANTS, { extension, memoryMib, dataDir }),
    /** @param {string} extension @returns {Promise<void>} */
    uninstall: (extension) => call(Command.UNINSTALL, { extension }),
    /** @param {string} path @returns {Promise<string>} the installed extension's id */
    install: (path) => call(Command.INSTALL, { path }),
    /** @returns {Promise<FrameInfo[]>} */
    frames: () => call(Command.FRAMES, {}),
    /** @returns {Promise<string>} the new frame's label */
    openFrame: () => call(Command.OPEN_FRAME, {}),
    /** @param {string} label @returns {Promise<void>} */
    closeFrame: (label) => call(Command.CLOSE_FRAME, { label }),
    /** @returns {Promise<void>} */
    openDevtools: () => call(Command.OPEN_DEVTOOLS, {}),
    /** @param {boolean} recording @returns {Promise<void>} */
    inspectorRecord: (recording) => call(Command.INSPECTOR_RECORD, { recording }),
    /** @param {number} since @returns {Promise<InspectorView>} */
    inspectorEntries: (since) => call(Command.INSPECTOR_ENTRIES, { since }),
    /** @returns {Promise<void>} */
    inspectorClear: () => call(Command.INSPECTOR_CLEAR, {}),
    /** @returns {Promise<{ path: string, entries: number, kept: number }>} the file written, the entries it holds and those kept (more when it was capped) */
    inspectorExport: () => call(Command.INSPECTOR_EXPORT, {}),
  };
}

/** @typedef {ReturnType<typeof shellApi>} ShellApi */
