//! Where each extension's renderer part runs in a frame. In the app a user runs, every one runs
//! in a realm of its own (`docs/realms.md`): nothing of an extension reaches the shell's page.
//! Test builds may name extensions that run in the shell's page instead (`--in-page`), so the
//! end-to-end probe, the benchmark and the tests that attack from the shell's page itself can
//! drive the app from there.

use std::collections::BTreeSet;

use ferrolens_ipc::ExtensionId;

/// The extensions whose renderer parts run in the shell's page rather than in realms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum InPage {
    /// None of them: every extension in a realm of its own. The app a user runs.
    #[default]
    None,
    /// All of them.
    All,
    /// Those with these ids.
    Only(BTreeSet<String>),
}

impl InPage {
    /// From the values of `--in-page`: `*` for every extension, else ids.
    pub fn from_args<S: AsRef<str>>(args: &[S]) -> Self {
        if args.iter().any(|a| a.as_ref() == "*") {
            Self::All
        } else if args.is_empty() {
            Self::None
        } else {
            Self::Only(args.iter().map(|a| a.as_ref().to_string()).collect())
        }
    }

    /// True when extension `id` runs in the shell's page.
    pub fn contains(&self, id: &ExtensionId) -> bool {
        match self {
            Self::None => false,
            Self::All => true,
            Self::Only(ids) => ids.contains(id.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ExtensionId {
        ExtensionId::new(s).unwrap()
    }

    #[test]
    fn no_arguments_put_every_extension_in_a_realm() {
        let none = InPage::from_args::<&str>(&[]);
        assert_eq!(none, InPage::None);
        assert!(!none.contains(&id("notes")));
    }

    #[test]
    fn a_star_puts_every_extension_in_the_page_and_ids_only_those() {
        assert!(InPage::from_args(&["probe", "*"]).contains(&id("notes")));
        let only = InPage::from_args(&["probe", "@acme/x"]);
        assert!(only.contains(&id("probe")));
        assert!(only.contains(&id("@acme/x")));
        assert!(!only.contains(&id("notes")));
        assert!(!only.contains(&id("probe-2")));
    }
}
