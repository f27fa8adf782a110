//! Compiled components on disk, so a component is compiled once per engine, not once per start.
//!
//! A cache file is named by the SHA-256 of the engine's compatibility hash and the component's
//! bytes: another Ferrolens (another wasmtime, other settings, another CPU) or another
//! component never finds it. Files are written whole (a temporary file renamed into place), so
//! a reader never sees half of one.

use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::Engine;

use crate::error::LoadError;

/// The extension of cache files.
pub const CACHE_FILE_EXTENSION: &str = "cwasm";

/// Bumped when what a cache file holds changes meaning, so old files are passed by.
const CACHE_LAYOUT: &[u8] = b"ferrolens-wasm-cache-1";

/// A component, and whether it came from the cache.
pub(crate) struct Loaded {
    pub component: Component,
    pub from_cache: bool,
}

/// The cache file `wasm` compiled by `engine` goes to, in `dir`.
pub fn cache_file(engine: &Engine, dir: &Path, wasm: &[u8]) -> PathBuf {
    let mut digest = Sha256::new();
    digest.update(CACHE_LAYOUT);
    std::hash::Hash::hash(
        &engine.precompile_compatibility_hash(),
        &mut DigestHasher(&mut digest),
    );
    digest.update(wasm);
    let name: String = digest
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    dir.join(format!("{name}.{CACHE_FILE_EXTENSION}"))
}

/// The component `wasm`: deserialized from its cache file when there is one, else compiled
/// (and written to the cache when there is a folder for it).
pub(crate) fn load(engine: &Engine, dir: Option<&Path>, wasm: &[u8]) -> Result<Loaded, LoadError> {
    let Some(dir) = dir else {
        let component = Component::new(engine, wasm).map_err(compile_error)?;
        return Ok(Loaded {
            component,
            from_cache: false,
        });
    };
    let file = cache_file(engine, dir, wasm);
    if file.is_file() {
        // SAFETY: the file is one this module wrote with `Engine::precompile_component`, in
        // Ferrolens's own cache folder, under a name only these exact bytes and a compatible
        // engine lead to; wasmtime still checks its header and the engine's settings.
        match unsafe { Component::deserialize_file(engine, &file) } {
            Ok(component) => {
                return Ok(Loaded {
                    component,
                    from_cache: true,
                })
            }
            Err(err) => log::warn!(
                "the cached component {} is unusable ({err}); compiling again",
                file.display()
            ),
        }
    }
    let compiled = engine.precompile_component(wasm).map_err(compile_error)?;
    if let Err(err) = write_whole(&file, &compiled) {
        log::warn!(
            "the compiled component could not be cached in {}: {err}",
            file.display()
        );
    }
    // SAFETY: `compiled` was produced by `precompile_component` of this very engine just now.
    let component = unsafe { Component::deserialize(engine, &compiled) }.map_err(compile_error)?;
    Ok(Loaded {
        component,
        from_cache: false,
    })
}

fn compile_error(err: wasmtime::Error) -> LoadError {
    LoadError::Compile(format!("{err:#}"))
}

/// Writes `bytes` to a temporary file next to `file`, then renames it into place.
fn write_whole(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = file.with_extension(format!("{CACHE_FILE_EXTENSION}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut out| {
        out.write_all(bytes)?;
        out.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&tmp, file)) {
        Ok(()) => Ok(()),
        Err(err) => {
            let _ = std::fs::remove_file(&tmp);
            Err(err)
        }
    }
}

/// Feeds a `Hash` value into the digest: the engine's compatibility hash is only `impl Hash`.
struct DigestHasher<'a>(&'a mut Sha256);

impl Hasher for DigestHasher<'_> {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        // Never read: the digest is.
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_file_depends_on_the_bytes_and_stays_in_the_folder() {
        let engine = Engine::default();
        let dir = Path::new("/cache");
        let a = cache_file(&engine, dir, b"\0asm one");
        assert_eq!(a, cache_file(&engine, dir, b"\0asm one"));
        assert_ne!(a, cache_file(&engine, dir, b"\0asm two"));
        assert_eq!(a.parent(), Some(dir));
        assert_eq!(a.extension().unwrap(), CACHE_FILE_EXTENSION);
    }

    #[test]
    fn another_engine_configuration_uses_another_file() {
        let plain = Engine::default();
        let mut config = wasmtime::Config::new();
        config.epoch_interruption(true);
        let ticking = Engine::new(&config).unwrap();
        let dir = Path::new("/cache");
        assert_ne!(
            cache_file(&plain, dir, b"same"),
            cache_file(&ticking, dir, b"same")
        );
    }
}
