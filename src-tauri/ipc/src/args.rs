//! Arguments of a broadcast or invoke, with typed access through serde.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::{ErrorCode, IpcError};

/// The positional arguments of one message, as `listen(channel, (event, ...args))` sees them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Args(Vec<Value>);

impl Args {
    /// Arguments from already-built values.
    pub fn new(values: Vec<Value>) -> Self {
        Self(values)
    }

    /// How many arguments were sent.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when no argument was sent.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The raw value at `index`, if sent.
    pub fn raw(&self, index: usize) -> Option<&Value> {
        self.0.get(index)
    }

    /// All raw values.
    pub fn values(&self) -> &[Value] {
        &self.0
    }

    /// Argument `index` decoded as `T`. A missing argument decodes as `null`, so `Option<T>`
    /// parameters may be left out. Errors name the argument and the path inside it.
    pub fn get<T: DeserializeOwned>(&self, index: usize) -> Result<T, IpcError> {
        let value = self.0.get(index).unwrap_or(&Value::Null);
        serde_path_to_error::deserialize(value).map_err(|err| {
            let path = err.path().to_string();
            let at = if path == "." {
                String::new()
            } else {
                format!(" at {path}")
            };
            IpcError::new(
                ErrorCode::BadPayload,
                format!("argument {index}{at}: {}", err.inner()),
            )
        })
    }
}

/// Anything that can be sent as the arguments of a message: `()`, a tuple of serializable
/// values, a `Vec<serde_json::Value>`, or [`Args`].
pub trait IntoArgs {
    /// Serializes into [`Args`]; fails with `BAD_PAYLOAD` when a value cannot be serialized.
    fn into_args(self) -> Result<Args, IpcError>;
}

impl IntoArgs for Args {
    fn into_args(self) -> Result<Args, IpcError> {
        Ok(self)
    }
}

impl IntoArgs for Vec<Value> {
    fn into_args(self) -> Result<Args, IpcError> {
        Ok(Args(self))
    }
}

fn to_value(index: usize, value: impl Serialize) -> Result<Value, IpcError> {
    serde_json::to_value(value).map_err(|err| {
        IpcError::new(
            ErrorCode::BadPayload,
            format!("argument {index} cannot be sent: {err}"),
        )
    })
}

macro_rules! tuple_args {
    ($($name:ident $idx:tt),*) => {
        impl<$($name: Serialize),*> IntoArgs for ($($name,)*) {
            #[allow(unused_variables)]
            fn into_args(self) -> Result<Args, IpcError> {
                Ok(Args(vec![$(to_value($idx, self.$idx)?),*]))
            }
        }
    };
}
tuple_args!();
tuple_args!(A 0);
tuple_args!(A 0, B 1);
tuple_args!(A 0, B 1, C 2);
tuple_args!(A 0, B 1, C 2, D 3);
tuple_args!(A 0, B 1, C 2, D 3, E 4);
tuple_args!(A 0, B 1, C 2, D 3, E 4, F 5);

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Note {
        title: String,
        tags: Vec<String>,
    }

    #[test]
    fn typed_access_decodes_structs_and_missing_optionals() {
        let args = ("n1", json!({"title": "t", "tags": ["a"]}))
            .into_args()
            .unwrap();
        assert_eq!(args.get::<String>(0).unwrap(), "n1");
        assert_eq!(
            args.get::<Note>(1).unwrap(),
            Note {
                title: "t".into(),
                tags: vec!["a".into()]
            }
        );
        assert_eq!(args.get::<Option<u32>>(2).unwrap(), None);
    }

    #[test]
    fn decoding_errors_name_the_argument_and_the_path() {
        let args = Args::new(vec![json!({"title": "t", "tags": ["a", 7]})]);
        let err = args.get::<Note>(0).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadPayload);
        assert!(
            err.message.starts_with("argument 0 at tags[1]"),
            "{}",
            err.message
        );
        let err = args.get::<u64>(3).unwrap_err();
        assert!(err.message.starts_with("argument 3:"), "{}", err.message);
    }
}
