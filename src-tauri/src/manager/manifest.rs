//! Extension manifests: `package.json` in Lens's shape, validated once.

use std::path::Path;

use ferrolens_ipc::ExtensionId;
use semver::{Version, VersionReq};
use serde::Deserialize;

use super::component::{self, DATA_DIR_CAPABILITY};
use super::files::{
    confined, human_size, read_regular_file, require_regular, MAX_MANIFEST_BYTES, MAX_SERVED_BYTES,
};

/// The manifest file in every extension folder.
pub const MANIFEST_FILE: &str = "package.json";

/// The longest each manifest field may be, in bytes of UTF-8, and its name in messages. The
/// shell lists every manifest every few seconds; these keep a hostile one from making that list
/// (and the log) megabytes long. `name` follows npm's limit.
pub const FIELD_LIMITS: [(&str, usize); 6] = [
    ("name", 214),
    ("version", 64),
    ("description", 1024),
    ("main", 64),
    ("renderer", 512),
    ("engines.ferrolens", 128),
];

/// A manifest as written on disk.
#[derive(Debug, Deserialize)]
struct RawManifest {
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    description: String,
    main: Option<String>,
    renderer: Option<String>,
    #[serde(default)]
    engines: Engines,
    /// What the extension asks the host for beyond its IPC (only `data-dir` so far).
    #[serde(default)]
    capabilities: Vec<String>,
}

impl RawManifest {
    /// Refuses the manifest when a field is longer than [`FIELD_LIMITS`] allows, before any
    /// message quotes it.
    fn check_lengths(&self) -> Result<(), String> {
        let fields = [
            self.name.as_deref(),
            self.version.as_deref(),
            Some(self.description.as_str()),
            self.main.as_deref(),
            self.renderer.as_deref(),
            self.engines.ferrolens.as_deref(),
        ];
        for ((field, limit), value) in FIELD_LIMITS.iter().zip(fields) {
            let len = value.map_or(0, str::len);
            if len > *limit {
                return Err(format!(
                    "\"{field}\" is {len} bytes long; the limit is {limit} bytes"
                ));
            }
        }
        Ok(())
    }
}

/// The most capabilities a manifest may list: there is one to ask for.
pub const MAX_CAPABILITIES: usize = 8;

#[derive(Debug, Default, Deserialize)]
struct Engines {
    ferrolens: Option<String>,
}

/// A manifest that passed validation.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Stable id, from `name`.
    pub id: ExtensionId,
    /// Semver version of the extension.
    pub version: Version,
    /// One-line description.
    pub description: String,
    /// The main part, if the extension has one: the name of a Rust main part compiled into
    /// Ferrolens, or a WebAssembly component file in the folder (`main.wasm`).
    pub main: Option<String>,
    /// Renderer entry, relative to the extension folder.
    pub renderer: Option<String>,
    /// Range of Ferrolens versions the extension works with.
    pub engine: VersionReq,
    /// The manifest declares the `data-dir` capability: its component gets a private data
    /// folder.
    pub data_dir: bool,
}

/// Why a manifest was refused; the message names the file and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError(pub String);

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Manifest {
    /// Reads and validates `<dir>/package.json` for a host of version `host`. The manifest must
    /// be a regular file (a symlink to one inside the folder will do) of at most
    /// [`MAX_MANIFEST_BYTES`]; it is read without ever blocking on a FIFO or a device.
    pub fn load(dir: &Path, host: &Version) -> Result<Self, ManifestError> {
        let path = dir.join(MANIFEST_FILE);
        let fail = |why: String| ManifestError(format!("{}: {why}", path.display()));
        let meta =
            std::fs::metadata(&path).map_err(|err| fail(format!("cannot read it: {err}")))?;
        require_regular(&meta).map_err(fail)?;
        let file = confined(dir, MANIFEST_FILE).map_err(fail)?;
        let bytes = read_regular_file(&file, MAX_MANIFEST_BYTES).map_err(fail)?;
        let text = String::from_utf8(bytes).map_err(|_| fail("it is not UTF-8 text".into()))?;
        Self::parse(&text, dir, host).map_err(fail)
    }

    /// Validates manifest text; `dir` is where relative entries must exist.
    pub fn parse(text: &str, dir: &Path, host: &Version) -> Result<Self, String> {
        let raw: RawManifest =
            serde_json::from_str(text).map_err(|err| format!("not valid JSON: {err}"))?;
        raw.check_lengths()?;
        let name = raw.name.ok_or("the \"name\" field is missing")?;
        let id = ExtensionId::new(&name).map_err(|err| err.message)?;
        let version = raw.version.ok_or("the \"version\" field is missing")?;
        let version = Version::parse(&version)
            .map_err(|err| format!("\"version\" {version:?} is not semver: {err}"))?;
        let range = raw
            .engines
            .ferrolens
            .ok_or("\"engines.ferrolens\" is missing: the extension must say which Ferrolens versions it supports")?;
        let engine = VersionReq::parse(&range).map_err(|err| {
            format!("\"engines.ferrolens\" {range:?} is not a semver range: {err}")
        })?;
        if !engine.matches(host) {
            return Err(format!(
                "needs Ferrolens {range}, but this is Ferrolens {host}"
            ));
        }
        if raw.main.is_none() && raw.renderer.is_none() {
            return Err("it has neither \"main\" nor \"renderer\": nothing to load".into());
        }
        if let Some(main) = raw
            .main
            .as_deref()
            .filter(|main| component::is_component(main))
        {
            component::check_file(dir, main).map_err(|why| format!("\"main\" {main:?}: {why}"))?;
        }
        let data_dir = check_capabilities(&raw.capabilities, raw.main.as_deref())?;
        if let Some(renderer) = &raw.renderer {
            let entry = confined(dir, renderer)
                .map_err(|why| format!("\"renderer\" {renderer:?}: {why}"))?;
            // The scheme would refuse to serve it; say so now, in the Extensions list.
            let meta = std::fs::metadata(&entry)
                .map_err(|err| format!("\"renderer\" {renderer:?}: cannot read it: {err}"))?;
            require_regular(&meta).map_err(|why| format!("\"renderer\" {renderer:?}: {why}"))?;
            if meta.len() > MAX_SERVED_BYTES {
                return Err(format!(
                    "\"renderer\" {renderer:?}: it is larger than the limit of {}",
                    human_size(MAX_SERVED_BYTES)
                ));
            }
        }
        Ok(Self {
            id,
            version,
            description: raw.description,
            main: raw.main,
            renderer: raw.renderer,
            engine,
            data_dir,
        })
    }
}

/// Checks the declared capabilities; returns whether `data-dir` is among them. Only a
/// WebAssembly main part can use one, so any other extension declaring one is refused.
fn check_capabilities(capabilities: &[String], main: Option<&str>) -> Result<bool, String> {
    if capabilities.is_empty() {
        return Ok(false);
    }
    if capabilities.len() > MAX_CAPABILITIES {
        return Err(format!(
            "\"capabilities\" lists {} entries; the limit is {MAX_CAPABILITIES}",
            capabilities.len()
        ));
    }
    if let Some(unknown) = capabilities.iter().find(|c| *c != DATA_DIR_CAPABILITY) {
        // Quoted only when short: the manifest is untrusted and its entries unbounded.
        return Err(match unknown.len() <= 64 {
            true => format!("\"capabilities\" names {unknown:?}, which Ferrolens does not know"),
            false => "\"capabilities\" names a capability Ferrolens does not know".into(),
        });
    }
    if !main.is_some_and(component::is_component) {
        return Err(
            "\"capabilities\" are granted to WebAssembly main parts only, and \"main\" names \
             no component"
                .into(),
        );
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> Version {
        Version::new(0, 1, 0)
    }

    fn dir_with(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            std::fs::write(dir.path().join(f), "export default 1;").unwrap();
        }
        dir
    }

    const GOOD: &str = r#"{"name":"@acme/notes","version":"1.2.3","description":"d",
        "main":"notes","renderer":"renderer.js","engines":{"ferrolens":"^0.1"}}"#;

    #[test]
    fn accepts_a_complete_manifest() {
        let dir = dir_with(&["renderer.js"]);
        let m = Manifest::parse(GOOD, dir.path(), &host()).unwrap();
        assert_eq!(m.id.as_str(), "@acme/notes");
        assert_eq!(m.version, Version::new(1, 2, 3));
        assert_eq!(m.main.as_deref(), Some("notes"));
        assert_eq!(m.renderer.as_deref(), Some("renderer.js"));
    }

    #[test]
    fn refuses_bad_manifests_naming_the_field() {
        let dir = dir_with(&["renderer.js"]);
        let cases = [
            ("{", "not valid JSON"),
            (
                r#"{"version":"1.0.0","engines":{"ferrolens":"*"},"main":"m"}"#,
                "\"name\"",
            ),
            (
                r#"{"name":"Bad Name","version":"1.0.0","engines":{"ferrolens":"*"},"main":"m"}"#,
                "invalid extension id",
            ),
            (
                r#"{"name":"a","engines":{"ferrolens":"*"},"main":"m"}"#,
                "\"version\" field",
            ),
            (
                r#"{"name":"a","version":"one","engines":{"ferrolens":"*"},"main":"m"}"#,
                "not semver",
            ),
            (
                r#"{"name":"a","version":"1.0.0","main":"m"}"#,
                "engines.ferrolens",
            ),
            (
                r#"{"name":"a","version":"1.0.0","engines":{"ferrolens":"~~"},"main":"m"}"#,
                "not a semver range",
            ),
            (
                r#"{"name":"a","version":"1.0.0","engines":{"ferrolens":"^2"},"main":"m"}"#,
                "needs Ferrolens ^2",
            ),
            (
                r#"{"name":"a","version":"1.0.0","engines":{"ferrolens":"*"}}"#,
                "nothing to load",
            ),
            (
                r#"{"name":"a","version":"1.0.0","engines":{"ferrolens":"*"},"renderer":"missing.js"}"#,
                "missing.js",
            ),
            (
                r#"{"name":"a","version":"1.0.0","engines":{"ferrolens":"*"},"renderer":"../x.js"}"#,
                "outside",
            ),
        ];
        for (text, why) in cases {
            let err = Manifest::parse(text, dir.path(), &host()).unwrap_err();
            assert!(err.contains(why), "{text}: {err:?} lacks {why:?}");
        }
    }

    #[test]
    fn refuses_each_field_over_its_limit_naming_field_and_limit() {
        let dir = dir_with(&["renderer.js"]);
        let good: serde_json::Value = serde_json::from_str(GOOD).unwrap();
        for (field, limit) in FIELD_LIMITS {
            let mut at_limit = good.clone();
            let mut over = good.clone();
            let (slot_at, slot_over) = match field.split_once('.') {
                Some((outer, inner)) => (&mut at_limit[outer][inner], &mut over[outer][inner]),
                None => (&mut at_limit[field], &mut over[field]),
            };
            *slot_at = "x".repeat(limit).into();
            *slot_over = "x".repeat(limit + 1).into();
            let err = Manifest::parse(&over.to_string(), dir.path(), &host()).unwrap_err();
            assert_eq!(
                err,
                format!(
                    "\"{field}\" is {} bytes long; the limit is {limit} bytes",
                    limit + 1
                )
            );
            // At the limit the length is not the complaint (the value may be wrong otherwise).
            let at = Manifest::parse(&at_limit.to_string(), dir.path(), &host());
            assert!(!at.is_err_and(|e| e.contains("the limit is")), "{field}");
        }
    }

    #[test]
    fn a_20_mb_description_is_refused_with_a_short_reason() {
        let dir = dir_with(&["renderer.js"]);
        let mut manifest: serde_json::Value = serde_json::from_str(GOOD).unwrap();
        manifest["description"] = "d".repeat(20 << 20).into();
        let err = Manifest::parse(&manifest.to_string(), dir.path(), &host()).unwrap_err();
        assert!(
            err.starts_with("\"description\" is 20971520 bytes long"),
            "{err}"
        );
        assert!(err.len() < 100);
    }

    const COMPONENT: &str = r#"{"name":"a","version":"1.0.0","main":"main.wasm",
        "engines":{"ferrolens":"*"}}"#;

    fn with_main(main: &str) -> String {
        COMPONENT.replace("main.wasm", main)
    }

    #[test]
    fn a_component_main_is_a_file_of_the_folder() {
        let dir = dir_with(&["main.wasm"]);
        let m = Manifest::parse(COMPONENT, dir.path(), &host()).unwrap();
        assert_eq!(m.main.as_deref(), Some("main.wasm"));
        assert!(!m.data_dir);
        let cases = [
            (
                "../main.wasm",
                "\"main\" \"../main.wasm\": the path leads outside",
            ),
            (
                "/etc/x.wasm",
                "\"main\" \"/etc/x.wasm\": the path leads outside",
            ),
            (
                "lost.wasm",
                "\"main\" \"lost.wasm\": lost.wasm does not exist",
            ),
        ];
        for (main, why) in cases {
            let err = Manifest::parse(&with_main(main), dir.path(), &host()).unwrap_err();
            assert!(err.starts_with(why), "{main}: {err}");
        }
        std::fs::create_dir(dir.path().join("folder.wasm")).unwrap();
        let err = Manifest::parse(&with_main("folder.wasm"), dir.path(), &host()).unwrap_err();
        assert!(err.contains("folder.wasm is not a file"), "{err}");
    }

    #[test]
    fn a_component_over_64_mib_is_refused_naming_the_limit() {
        let dir = dir_with(&[]);
        let file = std::fs::File::create(dir.path().join("main.wasm")).unwrap();
        // Sparse: the size is what counts, nothing is read.
        file.set_len(component::MAX_COMPONENT_BYTES + 1).unwrap();
        let err = Manifest::parse(COMPONENT, dir.path(), &host()).unwrap_err();
        assert_eq!(
            err,
            "\"main\" \"main.wasm\": it is larger than the limit of 64 MiB"
        );
    }

    #[test]
    fn the_data_dir_capability_is_for_component_main_parts_only() {
        let dir = dir_with(&["main.wasm", "renderer.js"]);
        let declared = COMPONENT.replace("\"main\":", "\"capabilities\":[\"data-dir\"],\"main\":");
        assert!(
            Manifest::parse(&declared, dir.path(), &host())
                .unwrap()
                .data_dir
        );
        let compiled_in = declared.replace("main.wasm", "notes");
        let err = Manifest::parse(&compiled_in, dir.path(), &host()).unwrap_err();
        assert!(err.contains("WebAssembly main parts only"), "{err}");
        let unknown = COMPONENT.replace("\"main\":", "\"capabilities\":[\"network\"],\"main\":");
        let err = Manifest::parse(&unknown, dir.path(), &host()).unwrap_err();
        assert_eq!(
            err,
            "\"capabilities\" names \"network\", which Ferrolens does not know"
        );
        let many = format!("[{}]", ["\"data-dir\""; 9].join(","));
        let many = COMPONENT.replace("\"main\":", &format!("\"capabilities\":{many},\"main\":"));
        let err = Manifest::parse(&many, dir.path(), &host()).unwrap_err();
        assert!(err.contains("the limit is 8"), "{err}");
    }

    #[test]
    fn load_names_the_file_in_errors() {
        let dir = dir_with(&[]);
        let err = Manifest::load(dir.path(), &host()).unwrap_err();
        assert!(err.0.contains("package.json"), "{err}");
    }

    const RENDERER_ONLY: &str = r#"{"name":"a","version":"1.0.0","renderer":"renderer.js",
        "engines":{"ferrolens":"*"}}"#;

    fn load_err(dir: &Path) -> String {
        Manifest::load(dir, &host()).unwrap_err().0
    }

    #[test]
    fn load_refuses_a_manifest_over_256_kib() {
        let dir = dir_with(&["renderer.js"]);
        let padded = format!("{}{}", RENDERER_ONLY, " ".repeat(256 * 1024));
        std::fs::write(dir.path().join(MANIFEST_FILE), padded).unwrap();
        let err = load_err(dir.path());
        assert!(
            err.contains("package.json: it is larger than the limit of 256 KiB"),
            "{err}"
        );
    }

    #[test]
    fn load_refuses_a_manifest_that_is_a_folder() {
        let dir = dir_with(&["renderer.js"]);
        std::fs::create_dir(dir.path().join(MANIFEST_FILE)).unwrap();
        assert!(load_err(dir.path()).contains("a folder, not a regular file"));
    }

    #[test]
    fn load_refuses_a_manifest_that_is_not_utf8() {
        let dir = dir_with(&["renderer.js"]);
        std::fs::write(dir.path().join(MANIFEST_FILE), [0xff, 0xfe, b'{']).unwrap();
        assert!(load_err(dir.path()).contains("not UTF-8"));
    }

    #[cfg(unix)]
    mod unix {
        use super::*;
        use std::os::unix::fs::symlink;

        #[test]
        fn load_refuses_a_fifo_manifest_without_blocking() {
            let dir = dir_with(&["renderer.js"]);
            crate::manager::files::make_fifo(&dir.path().join(MANIFEST_FILE));
            let err = load_err(dir.path());
            assert!(
                err.contains("a named pipe (FIFO), not a regular file"),
                "{err}"
            );
        }

        #[test]
        fn load_refuses_a_manifest_linked_to_dev_zero() {
            let dir = dir_with(&["renderer.js"]);
            symlink("/dev/zero", dir.path().join(MANIFEST_FILE)).unwrap();
            let err = load_err(dir.path());
            assert!(
                err.contains("a character device, not a regular file"),
                "{err}"
            );
        }

        #[test]
        fn load_follows_a_symlink_inside_the_folder_only() {
            let outer = tempfile::tempdir().unwrap();
            let dir = outer.path().join("ext");
            std::fs::create_dir(&dir).unwrap();
            std::fs::write(dir.join("renderer.js"), "").unwrap();
            std::fs::write(dir.join("real.json"), RENDERER_ONLY).unwrap();
            symlink(dir.join("real.json"), dir.join(MANIFEST_FILE)).unwrap();
            assert_eq!(Manifest::load(&dir, &host()).unwrap().id.as_str(), "a");

            std::fs::remove_file(dir.join(MANIFEST_FILE)).unwrap();
            std::fs::write(outer.path().join("elsewhere.json"), RENDERER_ONLY).unwrap();
            symlink(outer.path().join("elsewhere.json"), dir.join(MANIFEST_FILE)).unwrap();
            assert!(load_err(&dir).contains("outside the extension folder"));
        }

        #[test]
        fn a_component_that_is_a_fifo_is_refused_without_blocking() {
            let dir = dir_with(&[]);
            crate::manager::files::make_fifo(&dir.path().join("main.wasm"));
            let err = Manifest::parse(COMPONENT, dir.path(), &host()).unwrap_err();
            assert!(err.contains("main.wasm is not a file"), "{err}");
        }

        #[test]
        fn a_renderer_entry_that_is_a_fifo_or_device_is_refused() {
            let dir = dir_with(&[]);
            crate::manager::files::make_fifo(&dir.path().join("renderer.js"));
            let err = Manifest::parse(RENDERER_ONLY, dir.path(), &host()).unwrap_err();
            assert!(err.contains("\"renderer\" \"renderer.js\""), "{err}");
            assert!(err.contains("not a file"), "{err}");
        }
    }
}
