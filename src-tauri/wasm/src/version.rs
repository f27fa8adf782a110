//! The extension API version a component is built for, read from its type before any of its
//! code runs.
//!
//! A component built with the WIT world names its interfaces with the package and its version
//! (`ferrolens:extension/guest@0.1.0`); the version is the API version. Reading it from the
//! component's imports and exports needs no cooperation from the guest, so even a component
//! built for an API that changed every function is refused with its version named, rather
//! than with a linker error about a missing function.

use wasmtime::component::Component;
use wasmtime::Engine;

use crate::error::LoadError;

/// The WIT package of the extension world.
pub const API_PACKAGE: &str = "ferrolens:extension";

/// The only API version this host runs.
pub const API_VERSION: &str = "0.1.0";

/// Refuses a component that names the extension package at another version (or at none), or
/// that does not export the guest interface at all.
pub(crate) fn check(component: &Component, engine: &Engine) -> Result<(), LoadError> {
    let ty = component.component_type();
    let imports = ty.imports(engine).map(|(name, _)| name);
    let exports: Vec<&str> = ty.exports(engine).map(|(name, _)| name).collect();
    check_names(imports.chain(exports.iter().copied()), &exports)
}

/// [`check`] on the import and export names.
fn check_names<'a>(
    names: impl Iterator<Item = &'a str>,
    exports: &[&str],
) -> Result<(), LoadError> {
    for name in names {
        if let Some(version) = api_version(name) {
            if version != API_VERSION {
                return Err(LoadError::Version {
                    found: version.to_string(),
                });
            }
        }
    }
    let guest = format!("{API_PACKAGE}/guest@{API_VERSION}");
    if !exports.contains(&guest.as_str()) {
        return Err(LoadError::NotAnExtension);
    }
    Ok(())
}

/// The version in an interface name of the extension package: `0.1.0` in
/// `ferrolens:extension/host@0.1.0`, `""` when it has none; `None` for other packages.
fn api_version(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(API_PACKAGE)?.strip_prefix('/')?;
    Some(rest.split_once('@').map_or("", |(_, version)| version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&'static str]) -> Vec<&'static str> {
        list.to_vec()
    }

    #[test]
    fn a_component_of_this_version_passes() {
        let exports = names(&["ferrolens:extension/guest@0.1.0"]);
        let imports = names(&[
            "wasi:cli/environment@0.2.6",
            "ferrolens:extension/host@0.1.0",
        ]);
        let all = imports.iter().chain(&exports).copied();
        assert_eq!(check_names(all, &exports), Ok(()));
    }

    #[test]
    fn another_version_is_refused_naming_it() {
        let exports = names(&["ferrolens:extension/guest@0.2.0"]);
        let err = check_names(exports.iter().copied(), &exports).unwrap_err();
        assert_eq!(
            err,
            LoadError::Version {
                found: "0.2.0".into()
            }
        );
        assert!(err.to_string().contains("ferrolens:extension@0.2.0"));
        assert!(err.to_string().contains("ferrolens:extension@0.1.0"));
    }

    #[test]
    fn a_host_import_of_another_version_is_refused_too() {
        let exports = names(&["ferrolens:extension/guest@0.1.0"]);
        let imports = names(&["ferrolens:extension/host@1.0.0"]);
        let all = imports.iter().chain(&exports).copied();
        assert!(matches!(
            check_names(all, &exports),
            Err(LoadError::Version { found }) if found == "1.0.0"
        ));
    }

    #[test]
    fn an_unversioned_name_or_no_guest_export_is_refused() {
        let unversioned = names(&["ferrolens:extension/guest"]);
        assert!(matches!(
            check_names(unversioned.iter().copied(), &unversioned),
            Err(LoadError::Version { found }) if found.is_empty()
        ));
        let other = names(&["wasi:cli/run@0.2.0"]);
        assert_eq!(
            check_names(other.iter().copied(), &other),
            Err(LoadError::NotAnExtension)
        );
        assert_eq!(api_version("ferrolens:extensionx/guest@0.1.0"), None);
    }
}
