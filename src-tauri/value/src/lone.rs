//! A graph that is binary data alone, taken apart without copying its bytes.
//!
//! A value that is only an `ArrayBuffer`, or a `Uint8Array` over the whole of one, needs no
//! wire format around it: its bytes and its kind say everything. The IPC sends such answers as
//! the bytes themselves; moving them out of the graph saves a copy of what may be megabytes.

use crate::{Graph, Node, Value, View, ViewKind};

/// Binary data that makes up a whole value (see [`Graph::into_lone_binary`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoneBinary {
    /// An `ArrayBuffer` holding these bytes.
    ArrayBuffer(Vec<u8>),
    /// A `Uint8Array` over the whole of an `ArrayBuffer` holding these bytes.
    Uint8Array(Vec<u8>),
}

impl Graph {
    /// The root's bytes, moved out, when the root is an `ArrayBuffer` or a `Uint8Array` with
    /// offset 0 over all of its buffer; otherwise the graph, unchanged.
    ///
    /// Only the root and its buffer are reachable then, so nothing else can share the buffer;
    /// other nodes, unreachable, are dropped.
    pub fn into_lone_binary(self) -> Result<LoneBinary, Graph> {
        let Value::Ref(root) = *self.root() else {
            return Err(self);
        };
        let whole_view = match self.node(root) {
            Some(Node::ArrayBuffer(_)) => None,
            Some(Node::View(view)) if self.is_whole_uint8_array(view) => Some(view.buffer),
            _ => return Err(self),
        };
        let (mut nodes, _) = self.into_parts();
        let Node::ArrayBuffer(bytes) = &mut nodes[whole_view.unwrap_or(root).index()] else {
            unreachable!("checked above to be an ArrayBuffer");
        };
        let bytes = std::mem::take(bytes);
        Ok(match whole_view {
            Some(_) => LoneBinary::Uint8Array(bytes),
            None => LoneBinary::ArrayBuffer(bytes),
        })
    }

    fn is_whole_uint8_array(&self, view: &View) -> bool {
        view.kind == ViewKind::Uint8Array
            && view.byte_offset == 0
            && matches!(self.node(view.buffer), Some(Node::ArrayBuffer(b)) if b.len() == view.length)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_array_buffer_root_gives_its_bytes() {
        let g = Graph::build(|g| g.array_buffer(vec![1, 2, 3]));
        assert_eq!(
            g.into_lone_binary(),
            Ok(LoneBinary::ArrayBuffer(vec![1, 2, 3]))
        );
    }

    #[test]
    fn a_whole_uint8_array_root_gives_its_bytes_without_a_copy() {
        let bytes = vec![7u8; 4096];
        let at = bytes.as_ptr();
        let g = Graph::build(|g| g.uint8_array(bytes));
        let Ok(LoneBinary::Uint8Array(moved)) = g.into_lone_binary() else {
            panic!("a whole Uint8Array is lone binary");
        };
        assert_eq!(moved.as_ptr(), at, "the bytes were moved, not copied");
        assert_eq!(moved, vec![7u8; 4096]);
    }

    #[test]
    fn empty_binary_is_lone_too() {
        let g = Graph::build(|g| g.uint8_array(Vec::new()));
        assert_eq!(g.into_lone_binary(), Ok(LoneBinary::Uint8Array(Vec::new())));
    }

    #[test]
    fn unreachable_nodes_do_not_stop_it() {
        let g = Graph::build(|g| {
            let view = g.uint8_array(vec![5, 6]);
            g.array(vec![view.clone()]);
            view
        });
        assert_eq!(g.into_lone_binary(), Ok(LoneBinary::Uint8Array(vec![5, 6])));
    }

    #[test]
    fn other_values_come_back_unchanged() {
        let partial = |offset, length| {
            Graph::build(|g| {
                let buffer = g.add(Node::ArrayBuffer(vec![0; 8]));
                g.view(ViewKind::Uint8Array, buffer, offset, length)
            })
        };
        let cases = [
            ("offset", partial(1, 7)),
            ("short", partial(0, 7)),
            (
                "other kind",
                Graph::build(|g| {
                    let buffer = g.add(Node::ArrayBuffer(vec![0; 8]));
                    g.view(ViewKind::Int8Array, buffer, 0, 8)
                }),
            ),
            (
                "array of one",
                Graph::build(|g| {
                    let view = g.uint8_array(vec![1]);
                    g.array(vec![view])
                }),
            ),
            ("primitive", Graph::build(|_| Value::Number(1.0))),
            (
                "dangling",
                Graph::build(|_| Value::Ref(crate::NodeId::from_index(9).unwrap())),
            ),
        ];
        for (what, g) in cases {
            let (nodes, root) = (g.nodes().to_vec(), g.root().clone());
            let back = g.into_lone_binary().expect_err(what);
            assert_eq!(
                (back.nodes(), back.root()),
                (&nodes[..], &root),
                "{what}: unchanged"
            );
        }
    }
}
