// Builds tests/wasm/echo-component for wasm32-wasip2 with cargo, for the end-to-end tests and
// the benchmark (the Rust tests build the same component themselves).
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

/**
 * Builds the echo component and returns the path of its `.wasm`: with the `release` profile
 * (small, quick to build: the tests) or `speed` (optimized for speed: the benchmark).
 * @param {{ profile?: "release" | "speed" }} [options]
 */
export function buildEchoComponent({ profile = "release" } = {}) {
  const targetDir = join(root, "target/wasm-guests");
  execFileSync(
    "cargo",
    [
      "build",
      "--profile",
      profile,
      "--target",
      "wasm32-wasip2",
      "--manifest-path",
      join(root, "tests/wasm/echo-component/Cargo.toml"),
      "--target-dir",
      targetDir,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  return join(targetDir, `wasm32-wasip2/${profile}/ferrolens_echo_component.wasm`);
}
