//! Where a value sits inside the value being deserialized, for error messages.

use crate::{JsString, NodeId, Value};

/// One step from the root: a linked list on the stack, parent first.
#[derive(Clone, Copy)]
pub(crate) struct Path<'p> {
    pub(crate) parent: Option<&'p Path<'p>>,
    pub(crate) seg: Seg<'p>,
    /// The object this step is inside of (for cycle detection).
    pub(crate) container: Option<NodeId>,
    /// How many steps from the root.
    pub(crate) depth: usize,
}

/// One step.
#[derive(Clone, Copy)]
pub(crate) enum Seg<'p> {
    Root,
    /// A property of an object (or an Error field, or an enum variant).
    Key(&'p JsString),
    /// A named field with a static name (Error fields).
    Name(&'static str),
    /// An element of an array or typed array.
    Index(usize),
    /// The key of a Map's entry `i`.
    MapKey(usize),
    /// The value of a Map's entry `i`, and its key.
    MapValue(usize, &'p Value),
    /// Value `i` of a Set.
    SetItem(usize),
}

impl<'p> Path<'p> {
    pub(crate) fn root() -> Self {
        Path {
            parent: None,
            seg: Seg::Root,
            container: None,
            depth: 0,
        }
    }

    /// The step `seg` inside `container`, below this one.
    pub(crate) fn child(&'p self, seg: Seg<'p>, container: NodeId) -> Path<'p> {
        Path {
            parent: Some(self),
            seg,
            container: Some(container),
            depth: self.depth + 1,
        }
    }

    /// The path as JavaScript would write it after the root: `.notes[3].title`,
    /// `["odd key"]`, `.get("k")`, `.values()[2]`; empty for the root.
    pub(crate) fn render(&self) -> String {
        let mut segs = Vec::with_capacity(self.depth);
        let mut link = Some(self);
        while let Some(p) = link {
            segs.push(p.seg);
            link = p.parent;
        }
        let mut out = String::new();
        for seg in segs.iter().rev() {
            match seg {
                Seg::Root => {}
                Seg::Key(key) => push_key(&mut out, &key.to_string_lossy()),
                Seg::Name(name) => push_key(&mut out, name),
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
                Seg::MapKey(i) => out.push_str(&format!(".keys()[{i}]")),
                Seg::MapValue(i, key) => match key {
                    Value::String(s) => {
                        out.push_str(&format!(".get({})", quote(&s.to_string_lossy())))
                    }
                    Value::Number(n) => out.push_str(&format!(".get({n})")),
                    Value::Bool(b) => out.push_str(&format!(".get({b})")),
                    _ => out.push_str(&format!(".values()[{i}]")),
                },
                Seg::SetItem(i) => out.push_str(&format!(".values()[{i}]")),
            }
        }
        out
    }

    /// The nearest enclosing step inside `id`, if `id` encloses this one (a cycle).
    pub(crate) fn find_container(&self, id: NodeId) -> Option<&Path<'p>> {
        let mut link = Some(self);
        while let Some(p) = link {
            if p.container == Some(id) {
                return Some(p);
            }
            link = p.parent;
        }
        None
    }
}

fn push_key(out: &mut String, key: &str) {
    let mut chars = key.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier {
        out.push('.');
        out.push_str(key);
    } else {
        out.push('[');
        out.push_str(&quote(key));
        out.push(']');
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_javascript() {
        let notes = JsString::from("notes");
        let title = JsString::from("title");
        let odd = JsString::from("a b");
        let key = Value::from("k");
        let root = Path::root();
        let a = root.child(Seg::Key(&notes), NodeId(0));
        let b = a.child(Seg::Index(3), NodeId(1));
        let c = b.child(Seg::Key(&title), NodeId(2));
        assert_eq!(c.render(), ".notes[3].title");
        let d = c.child(Seg::Key(&odd), NodeId(3));
        assert_eq!(d.render(), ".notes[3].title[\"a b\"]");
        let e = root.child(Seg::MapValue(0, &key), NodeId(0));
        assert_eq!(e.render(), ".get(\"k\")");
        let keys = e.child(Seg::MapKey(1), NodeId(4));
        let f = keys.child(Seg::SetItem(2), NodeId(5));
        assert_eq!(f.render(), ".get(\"k\").keys()[1].values()[2]");
        assert_eq!(root.render(), "");
        assert_eq!(f.depth, 3);
        assert!(f.find_container(NodeId(4)).is_some());
        assert!(f.find_container(NodeId(9)).is_none());
    }
}
