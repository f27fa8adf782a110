//! Validated names: extension ids and channels.
//!
//! Every name is checked once, when it is built, so the rest of the core can hand it
//! to Tauri (whose event names panic on bad characters) without checking again.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{ErrorCode, IpcError};

/// Longest accepted extension id (npm's own limit for package names).
pub const MAX_EXTENSION_ID_LEN: usize = 214;
/// Longest accepted channel name.
pub const MAX_CHANNEL_LEN: usize = 128;

/// A stable extension id: the manifest's npm-style `name`, such as `example` or `@acme/kube-notes`.
///
/// It never depends on where the extension lives on disk, so it is the same on every machine.
/// [`ExtensionId::event_key`] gives an injective mapping into Tauri's event-name alphabet.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExtensionId {
    name: Arc<str>,
    event_key: Arc<str>,
}

impl ExtensionId {
    /// Validates `name` against npm's package-name rules (lowercase, url-safe, optional scope).
    pub fn new(name: &str) -> Result<Self, IpcError> {
        validate_extension_id(name).map_err(|why| {
            IpcError::new(
                ErrorCode::InvalidName,
                format!("invalid extension id {name:?}: {why}"),
            )
        })?;
        Ok(Self {
            event_key: event_key_of(name).into(),
            name: name.into(),
        })
    }

    /// The id as written in the manifest.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The id mapped into Tauri's event-name alphabet (`[A-Za-z0-9-/:_]`), one-to-one.
    pub fn event_key(&self) -> &str {
        &self.event_key
    }
}

fn validate_extension_id(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("it is empty");
    }
    if name.len() > MAX_EXTENSION_ID_LEN {
        return Err("it is longer than 214 characters");
    }
    let bare = match name.strip_prefix('@') {
        Some(scoped) => {
            let (scope, bare) = scoped
                .split_once('/')
                .ok_or("a scoped id must look like @scope/name")?;
            validate_segment(scope)?;
            bare
        }
        None => name,
    };
    validate_segment(bare)
}

fn validate_segment(segment: &str) -> Result<(), &'static str> {
    if segment.is_empty() {
        return Err("a part of it is empty");
    }
    if segment.starts_with('.') || segment.starts_with('_') {
        return Err("it may not start with '.' or '_'");
    }
    if !segment
        .bytes()
        .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~'))
    {
        return Err("only lowercase letters, digits, '-', '.', '_' and '~' are allowed");
    }
    Ok(())
}

/// `@` only ever opens a scope, so dropping it stays injective; `_` escapes the rest.
fn event_key_of(name: &str) -> String {
    let mut key = String::with_capacity(name.len() + 4);
    for c in name.trim_start_matches('@').chars() {
        match c {
            '_' => key.push_str("__"),
            '.' => key.push_str("_d"),
            '~' => key.push_str("_t"),
            c => key.push(c),
        }
    }
    key
}

impl fmt::Display for ExtensionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl fmt::Debug for ExtensionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExtensionId({:?})", &*self.name)
    }
}

/// A channel name inside one extension's namespace.
///
/// 1 to 128 characters of `[A-Za-z0-9-_:/.]`. Names starting with `ferrolens:` are reserved
/// for the host.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Channel(Arc<str>);

use crate::protocol::RESERVED_CHANNEL_PREFIX;

impl Channel {
    /// Validates a channel name.
    pub fn new(name: &str) -> Result<Self, IpcError> {
        let reserved;
        let why = if name.is_empty() {
            Some("it is empty")
        } else if name.len() > MAX_CHANNEL_LEN {
            Some("it is longer than 128 characters")
        } else if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'/' | b'.'))
        {
            Some("only letters, digits, '-', '_', ':', '/' and '.' are allowed")
        } else if name.starts_with(RESERVED_CHANNEL_PREFIX) {
            reserved = format!("the '{RESERVED_CHANNEL_PREFIX}' prefix is reserved for the host");
            Some(reserved.as_str())
        } else {
            None
        };
        match why {
            Some(why) => Err(IpcError::new(
                ErrorCode::InvalidName,
                format!("invalid channel name {name:?}: {why}"),
            )),
            None => Ok(Self(name.into())),
        }
    }

    /// The channel name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Channel({:?})", &*self.0)
    }
}

macro_rules! string_serde {
    ($ty:ty) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                <$ty>::new(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}
string_serde!(ExtensionId);
string_serde!(Channel);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_npm_style_ids_plain_and_scoped() {
        for ok in ["example", "kube-notes", "@acme/kube.notes", "a_b~c", "x1"] {
            assert!(ExtensionId::new(ok).is_ok(), "{ok} should be valid");
        }
    }

    #[test]
    fn rejects_ids_that_npm_rejects_and_names_the_reason() {
        let cases = [
            ("", "empty"),
            ("Upper", "lowercase"),
            ("has space", "lowercase"),
            ("@scope", "@scope/name"),
            ("@/name", "empty"),
            (".hidden", "start"),
            ("_private", "start"),
            ("a@b", "lowercase"),
            ("../escape", "start"),
        ];
        for (bad, why) in cases {
            let err = ExtensionId::new(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidName);
            assert!(
                err.message.contains(why),
                "{bad:?}: {} lacks {why}",
                err.message
            );
            assert!(err.message.contains(&format!("{bad:?}")));
        }
        assert!(ExtensionId::new(&"a".repeat(215)).is_err());
    }

    #[test]
    fn event_keys_use_only_tauri_event_characters() {
        let id = ExtensionId::new("@acme/kube.notes_v2~x").unwrap();
        assert_eq!(id.event_key(), "acme/kube_dnotes__v2_tx");
        assert!(id
            .event_key()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'/' | b':' | b'_')));
    }

    #[test]
    fn event_key_mapping_is_injective_on_tricky_pairs() {
        let pairs = [
            ("a.b", "a_db"),
            ("a_d", "a.d"),
            ("a__", "a_"),
            ("@a/b", "a-b"),
        ];
        for (x, y) in pairs {
            let (x, y) = (ExtensionId::new(x), ExtensionId::new(y));
            if let (Ok(x), Ok(y)) = (x, y) {
                assert_ne!(x.event_key(), y.event_key(), "{x} vs {y}");
            }
        }
    }

    #[test]
    fn channels_accept_lens_style_names() {
        for ok in ["initialize", "notes:get", "a/b.c-d_e", &"c".repeat(128)] {
            assert!(Channel::new(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn channels_reject_bad_characters_length_and_reserved_prefix() {
        for (bad, why) in [
            ("", "empty"),
            ("with space", "allowed"),
            ("at@sign", "allowed"),
            ("ferrolens:internal", "reserved"),
        ] {
            let err = Channel::new(bad).unwrap_err();
            assert!(err.message.contains(why), "{bad}: {}", err.message);
        }
        assert!(Channel::new(&"c".repeat(129))
            .unwrap_err()
            .message
            .contains("128"));
    }

    #[test]
    fn names_deserialize_only_when_valid() {
        let ok: Channel = serde_json::from_str("\"ping\"").unwrap();
        assert_eq!(ok.as_str(), "ping");
        let bad = serde_json::from_str::<Channel>("\"no good\"").unwrap_err();
        assert!(bad.to_string().contains("invalid channel name"));
    }
}
