// Builds tests/wasm/echo-component for wasm32-wasip2 with cargo, for the end-to-end tests and
// the benchmark (the Rust tests build the same component themselves).
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

/** Builds the echo component (release) and returns the path of its `.wasm`. */
export function buildEchoComponent() {
  const targetDir = join(root, "target/wasm-guests");
  execFileSync(
    "cargo",
    [
      "build",
      "--release",
      "--target",
      "wasm32-wasip2",
      "--manifest-path",
      join(root, "tests/wasm/echo-component/Cargo.toml"),
      "--target-dir",
      targetDir,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  return join(targetDir, "wasm32-wasip2/release/ferrolens_echo_component.wasm");
}
