// @ts-check
// The structured-clone wire format codec (docs/wire-format.md): values crossing the extension IPC
// keep `structuredClone` semantics. The Rust side is the `ferrolens-value` crate.
export { LONE_BINARY_MIN, encode, encodeArgs, loneBinary } from "./codec/encode.js";
export { decode } from "./codec/decode.js";
export { FORMAT_VERSION, MAX_DEPTH, WireFormatError } from "./codec/format.js";
