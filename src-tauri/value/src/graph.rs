//! [`Graph`]: an arena of objects plus the root value, with builders and accessors.

use std::collections::HashMap;
use std::ops::Index;

use crate::model::same_number;
use crate::{Array, ErrorNode, JsString, Node, NodeId, Value, View, ViewKind};

/// A whole structured-clone value: the root [`Value`] and the arena of objects it reaches.
///
/// Objects live in the arena and are named by [`NodeId`], so shared references and cycles are
/// plain ids and the graph is an ordinary tree of Rust ownership. Build one with the methods
/// that add a node and return a [`Value::Ref`] to it:
///
/// ```
/// use ferrolens_value::{Graph, Value};
/// let mut g = Graph::new();
/// let tags = g.array(vec!["a".into(), "b".into()]);
/// let note = g.object(vec![("title", "Hello".into()), ("tags", tags.clone())]);
/// g.push_to_array(&tags, note.clone()); // a cycle: note.tags[2] is note
/// g.set_root(note);
/// assert_eq!(g.get(g.root(), "title").and_then(Value::as_str), Some("Hello"));
/// let bytes = ferrolens_value::encode(&g);
/// assert_eq!(ferrolens_value::decode(&bytes).unwrap(), g);
/// ```
///
/// Equality compares what the root reaches, up to renaming of node ids (graph isomorphism):
/// nodes the root does not reach are ignored, and sharing and cycles must match exactly.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    root: Value,
}

impl Graph {
    /// An empty graph whose root is `undefined`.
    pub fn new() -> Self {
        Self::default()
    }

    /// A graph from its parts, unchecked: [`try_encode`](crate::try_encode) reports ids that
    /// do not resolve and views that do not fit their buffer.
    pub fn from_parts(nodes: Vec<Node>, root: Value) -> Self {
        Self { nodes, root }
    }

    /// The arena and the root.
    pub fn into_parts(self) -> (Vec<Node>, Value) {
        (self.nodes, self.root)
    }

    /// The root value.
    pub fn root(&self) -> &Value {
        &self.root
    }

    /// Replaces the root value.
    pub fn set_root(&mut self, root: impl Into<Value>) {
        self.root = root.into();
    }

    /// A new graph whose root is what `build` returns after adding nodes to it.
    ///
    /// ```
    /// use ferrolens_value::Graph;
    /// let g = Graph::build(|g| g.uint8_array(vec![1, 2]));
    /// assert_eq!(g.bytes_of(g.root()), Some(&[1u8, 2][..]));
    /// ```
    pub fn build(build: impl FnOnce(&mut Graph) -> Value) -> Self {
        let mut graph = Self::new();
        let root = build(&mut graph);
        graph.with_root(root)
    }

    /// Consumes the graph, replacing the root (builder style).
    pub fn with_root(mut self, root: impl Into<Value>) -> Self {
        self.root = root.into();
        self
    }

    /// Every node, indexed by [`NodeId::index`].
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The node `id`, if it exists.
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.index())
    }

    /// The node `id` for changing, if it exists.
    pub fn node_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        self.nodes.get_mut(id.index())
    }

    /// The node a value refers to; `None` for primitives and dangling ids.
    pub fn resolve(&self, value: &Value) -> Option<&Node> {
        value.node_id().and_then(|id| self.node(id))
    }

    /// The node a value refers to, for changing.
    pub fn resolve_mut(&mut self, value: &Value) -> Option<&mut Node> {
        value.node_id().and_then(move |id| self.node_mut(id))
    }

    /// Property `key` of the plain object (or array property) `value` refers to.
    pub fn get<'a>(&'a self, value: &Value, key: &str) -> Option<&'a Value> {
        self.resolve(value)?.get(key)
    }

    /// Element `index` of the array `value` refers to; `None` for holes.
    pub fn element<'a>(&'a self, value: &Value, index: usize) -> Option<&'a Value> {
        self.resolve(value)?.as_array()?.get(index)
    }

    /// Follows a path of keys from the root, e.g. `graph.pointer(&["notes", "3", "title"])`:
    /// object keys, array indices, and string keys of Maps.
    pub fn pointer(&self, path: &[&str]) -> Option<&Value> {
        let mut current = &self.root;
        for key in path {
            current = match self.resolve(current)? {
                Node::Array(array) => match key.parse::<usize>() {
                    Ok(i) => array.get(i)?,
                    Err(_) => array.props.iter().find(|(k, _)| k == key).map(|(_, v)| v)?,
                },
                Node::Map(entries) => entries
                    .iter()
                    .find(|(k, _)| k.as_str() == Some(key))
                    .map(|(_, v)| v)?,
                node => node.get(key)?,
            };
        }
        Some(current)
    }

    /// The number of nodes in the arena.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the arena is empty (the root is a primitive).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Adds a node and returns its id.
    ///
    /// # Panics
    /// When the arena already holds `u32::MAX` nodes.
    pub fn add(&mut self, node: Node) -> NodeId {
        let id = NodeId::from_index(self.nodes.len()).expect("a graph holds at most 2^32 nodes");
        self.nodes.push(node);
        id
    }

    /// Adds a node and returns a reference to it.
    pub fn add_value(&mut self, node: Node) -> Value {
        Value::Ref(self.add(node))
    }

    /// Adds a plain object.
    pub fn object<K: Into<JsString>>(&mut self, entries: Vec<(K, Value)>) -> Value {
        let entries = entries.into_iter().map(|(k, v)| (k.into(), v)).collect();
        self.add_value(Node::Object(entries))
    }

    /// Adds an array without holes.
    pub fn array(&mut self, elements: Vec<Value>) -> Value {
        self.add_value(Node::Array(Array::new(elements)))
    }

    /// Adds a `Map`.
    pub fn map(&mut self, entries: Vec<(Value, Value)>) -> Value {
        self.add_value(Node::Map(entries))
    }

    /// Adds a `Set`.
    pub fn set(&mut self, items: Vec<Value>) -> Value {
        self.add_value(Node::Set(items))
    }

    /// Adds a `Date` with a time value in milliseconds since the epoch, after JavaScript's
    /// `TimeClip` as `new Date(time)` applies it (fractions truncated, `NaN` beyond ±8.64e15).
    pub fn date(&mut self, time: f64) -> Value {
        self.add_value(Node::Date(crate::date::time_clip(time)))
    }

    /// Adds a `RegExp`.
    pub fn regexp(&mut self, source: impl Into<JsString>, flags: impl Into<JsString>) -> Value {
        self.add_value(Node::RegExp {
            source: source.into(),
            flags: flags.into(),
        })
    }

    /// Adds an `ArrayBuffer`.
    pub fn array_buffer(&mut self, bytes: Vec<u8>) -> Value {
        self.add_value(Node::ArrayBuffer(bytes))
    }

    /// Adds an `ArrayBuffer` holding `bytes` and a `Uint8Array` over all of it; returns the
    /// view.
    pub fn uint8_array(&mut self, bytes: Vec<u8>) -> Value {
        let length = bytes.len();
        let buffer = self.add(Node::ArrayBuffer(bytes));
        self.view(ViewKind::Uint8Array, buffer, 0, length)
    }

    /// Adds a view over the `ArrayBuffer` node `buffer`; `length` counts elements (bytes for a
    /// `DataView`).
    pub fn view(
        &mut self,
        kind: ViewKind,
        buffer: NodeId,
        byte_offset: usize,
        length: usize,
    ) -> Value {
        self.add_value(Node::View(View {
            kind,
            buffer,
            byte_offset,
            length,
        }))
    }

    /// Adds an `Error`.
    pub fn error(&mut self, error: ErrorNode) -> Value {
        self.add_value(Node::Error(Box::new(error)))
    }

    /// Appends `element` to the array `array` refers to; returns false when it is no array.
    pub fn push_to_array(&mut self, array: &Value, element: Value) -> bool {
        match self.resolve_mut(array) {
            Some(Node::Array(a)) => {
                a.elements.push(Some(element));
                true
            }
            _ => false,
        }
    }

    /// Sets property `key` of the plain object `object` refers to (replacing an existing
    /// one in place, else appending); returns false when it is no plain object.
    pub fn insert(&mut self, object: &Value, key: impl Into<JsString>, value: Value) -> bool {
        let key = key.into();
        match self.resolve_mut(object) {
            Some(Node::Object(entries)) => {
                match entries.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = value,
                    None => entries.push((key, value)),
                }
                true
            }
            _ => false,
        }
    }

    /// The bytes a view or `ArrayBuffer` value covers; `None` for anything else or a view
    /// that does not fit its buffer.
    pub fn bytes_of(&self, value: &Value) -> Option<&[u8]> {
        match self.resolve(value)? {
            Node::ArrayBuffer(bytes) => Some(bytes),
            Node::View(view) => self.view_bytes(view),
            _ => None,
        }
    }

    /// The bytes a view covers, if its buffer is an `ArrayBuffer` it fits in.
    pub fn view_bytes(&self, view: &View) -> Option<&[u8]> {
        match self.node(view.buffer)? {
            Node::ArrayBuffer(bytes) => bytes.get(view.byte_range()?),
            _ => None,
        }
    }

    /// The part of the graph that `value` reaches, as a graph of its own whose root is
    /// `value` (ids renumbered in first-reached order, unreachable nodes dropped).
    pub fn subgraph(&self, value: &Value) -> Graph {
        // The new id of each node reached so far, by old id: ids index the arena, so a table
        // rather than a hash map (a handler's `args.arg(0)` pays this for every node it gets).
        const UNREACHED: u32 = u32::MAX;
        let mut new_ids = vec![UNREACHED; self.nodes.len()];
        let mut order: Vec<NodeId> = Vec::new();
        // Reached, not yet entered; a node's children are numbered in the order it holds them.
        let mut stack: Vec<NodeId> = Vec::new();
        let mut reach = |id: NodeId, order: &mut Vec<NodeId>, stack: &mut Vec<NodeId>| {
            if let Some(slot) = new_ids.get_mut(id.index()) {
                if *slot == UNREACHED {
                    *slot = order.len() as u32;
                    order.push(id);
                    stack.push(id);
                }
            }
        };
        if let Value::Ref(id) = value {
            reach(*id, &mut order, &mut stack);
        }
        while let Some(id) = stack.pop() {
            let node = &self.nodes[id.index()];
            node.for_each_value(|v| {
                if let Value::Ref(child) = v {
                    reach(*child, &mut order, &mut stack);
                }
            });
            if let Node::View(view) = node {
                reach(view.buffer, &mut order, &mut stack);
            }
        }
        // Dangling ids stay dangling, past the end of the new arena.
        let remap = |id: NodeId| match new_ids.get(id.index()) {
            Some(&new) if new != UNREACHED => NodeId(new),
            _ => NodeId(u32::MAX),
        };
        let nodes = order
            .iter()
            .map(|id| {
                let mut node = self.nodes[id.index()].clone();
                node.remap_ids(remap);
                node
            })
            .collect();
        let mut root = value.clone();
        if let Value::Ref(id) = &mut root {
            *id = remap(*id);
        }
        Graph { nodes, root }
    }

    /// Moves another graph's nodes into this one and returns its root, with ids shifted.
    pub fn splice(&mut self, other: Graph) -> Value {
        let offset = self.nodes.len() as u32;
        let shift = |id: NodeId| NodeId(id.0.saturating_add(offset));
        self.nodes.extend(other.nodes.into_iter().map(|mut node| {
            node.remap_ids(shift);
            node
        }));
        match other.root {
            Value::Ref(id) => Value::Ref(shift(id)),
            root => root,
        }
    }

    /// True when the node `a` of this graph and node `b` of `other` are the same structure, up
    /// to renaming of node ids.
    fn isomorphic(&self, a: &Value, other: &Graph, b: &Value) -> bool {
        let mut forward: HashMap<NodeId, NodeId> = HashMap::new();
        let mut backward: HashMap<NodeId, NodeId> = HashMap::new();
        let mut pending: Vec<(NodeId, NodeId)> = Vec::new();
        // Pairs two ids: false when either is already paired with another.
        let mut pair = |x: NodeId, y: NodeId, pending: &mut Vec<(NodeId, NodeId)>| -> bool {
            match (forward.get(&x), backward.get(&y)) {
                (Some(&fy), Some(&bx)) => fy == y && bx == x,
                (None, None) => {
                    forward.insert(x, y);
                    backward.insert(y, x);
                    pending.push((x, y));
                    true
                }
                _ => false,
            }
        };
        let mut same_value =
            |x: &Value, y: &Value, pending: &mut Vec<(NodeId, NodeId)>| match (x, y) {
                (Value::Ref(x), Value::Ref(y)) => pair(*x, *y, pending),
                (Value::Ref(_), _) | (_, Value::Ref(_)) => false,
                _ => x == y,
            };
        if !same_value(a, b, &mut pending) {
            return false;
        }
        while let Some((x, y)) = pending.pop() {
            let (Some(nx), Some(ny)) = (self.node(x), other.node(y)) else {
                return false;
            };
            let ok = match (nx, ny) {
                (Node::Object(ex), Node::Object(ey)) => {
                    ex.len() == ey.len()
                        && ex.iter().zip(ey).all(|((kx, vx), (ky, vy))| {
                            kx == ky && same_value(vx, vy, &mut pending)
                        })
                }
                (Node::Array(ax), Node::Array(ay)) => {
                    ax.elements.len() == ay.elements.len()
                        && ax.props.len() == ay.props.len()
                        && ax
                            .elements
                            .iter()
                            .zip(&ay.elements)
                            .all(|(ex, ey)| match (ex, ey) {
                                (None, None) => true,
                                (Some(vx), Some(vy)) => same_value(vx, vy, &mut pending),
                                _ => false,
                            })
                        && ax.props.iter().zip(&ay.props).all(|((kx, vx), (ky, vy))| {
                            kx == ky && same_value(vx, vy, &mut pending)
                        })
                }
                (Node::Map(ex), Node::Map(ey)) => {
                    ex.len() == ey.len()
                        && ex.iter().zip(ey).all(|((kx, vx), (ky, vy))| {
                            same_value(kx, ky, &mut pending) && same_value(vx, vy, &mut pending)
                        })
                }
                (Node::Set(ex), Node::Set(ey)) => {
                    ex.len() == ey.len()
                        && ex
                            .iter()
                            .zip(ey)
                            .all(|(vx, vy)| same_value(vx, vy, &mut pending))
                }
                (Node::View(vx), Node::View(vy)) => {
                    vx.kind == vy.kind
                        && vx.byte_offset == vy.byte_offset
                        && vx.length == vy.length
                        && same_value(&Value::Ref(vx.buffer), &Value::Ref(vy.buffer), &mut pending)
                }
                (Node::Error(ex), Node::Error(ey)) => {
                    ex.name == ey.name
                        && ex.message == ey.message
                        && ex.stack == ey.stack
                        && match (&ex.cause, &ey.cause) {
                            (None, None) => true,
                            (Some(cx), Some(cy)) => same_value(cx, cy, &mut pending),
                            _ => false,
                        }
                }
                (Node::Date(x), Node::Date(y)) | (Node::NumberObject(x), Node::NumberObject(y)) => {
                    same_number(*x, *y)
                }
                (x, y) => x == y,
            };
            if !ok {
                return false;
            }
        }
        true
    }
}

impl PartialEq for Graph {
    fn eq(&self, other: &Self) -> bool {
        self.isomorphic(&self.root, other, &other.root)
    }
}

impl Index<NodeId> for Graph {
    type Output = Node;

    /// # Panics
    /// When `id` is not in this graph.
    fn index(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }
}

impl<T: Into<Value>> From<T> for Graph {
    /// A graph whose root is a primitive (or a reference the caller will add nodes for).
    fn from(root: T) -> Self {
        Graph {
            nodes: Vec::new(),
            root: root.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cyclic_pair() -> Graph {
        let mut g = Graph::new();
        let a = g.object(Vec::<(&str, Value)>::new());
        let b = g.array(vec![a.clone()]);
        g.insert(&a, "b", b);
        g.with_root(a)
    }

    #[test]
    fn builders_and_accessors() {
        let mut g = Graph::new();
        let list = g.array(vec![1.into(), "two".into()]);
        let root = g.object(vec![("list", list.clone()), ("n", Value::Null)]);
        g.set_root(root);
        assert_eq!(g.element(&list, 1).and_then(Value::as_str), Some("two"));
        assert_eq!(g.pointer(&["list", "0"]), Some(&Value::Number(1.0)));
        assert_eq!(g.pointer(&["n"]), Some(&Value::Null));
        assert_eq!(g.pointer(&["missing"]), None);
        assert_eq!(g[list.node_id().unwrap()].class_name(), "Array");
    }

    #[test]
    fn equality_ignores_id_order_and_unreachable_nodes() {
        let g1 = cyclic_pair();
        let mut g2 = Graph::new();
        g2.add(Node::Date(1.0)); // unreachable
        let b = g2.array(vec![]);
        let a = g2.object(vec![("b", b.clone())]);
        g2.push_to_array(&b, a.clone());
        g2.set_root(a);
        assert_eq!(g1, g2);
    }

    #[test]
    fn equality_sees_sharing() {
        let mut shared = Graph::new();
        let inner = shared.object(Vec::<(&str, Value)>::new());
        let root = shared.array(vec![inner.clone(), inner]);
        shared.set_root(root);
        let mut copies = Graph::new();
        let i1 = copies.object(Vec::<(&str, Value)>::new());
        let i2 = copies.object(Vec::<(&str, Value)>::new());
        let root = copies.array(vec![i1, i2]);
        copies.set_root(root);
        assert_ne!(shared, copies);
        assert_ne!(copies, shared);
    }

    #[test]
    fn subgraph_keeps_only_what_is_reached() {
        let mut g = cyclic_pair();
        g.add(Node::Set(vec![]));
        let root = g.root().clone();
        let b = g.get(&root, "b").unwrap().clone();
        let sub = g.subgraph(&b);
        assert_eq!(sub.len(), 2);
        assert_eq!(sub.root(), &Value::Ref(NodeId(0)));
        assert_eq!(sub.subgraph(sub.root()), sub);
    }

    #[test]
    fn subgraph_numbers_nodes_as_first_reached_and_keeps_dangling_ids_dangling() {
        let mut g = Graph::new();
        g.add(Node::Set(vec![])); // node 0: not reached
        let shared = g.object(Vec::<(&str, Value)>::new()); // node 1
        let bytes = g.uint8_array(vec![1, 2]); // buffer 2, view 3
        let list = g.array(vec![bytes, shared.clone(), shared, Value::Ref(NodeId(99))]); // 4
        let sub = g.subgraph(&list);
        // The list, then its elements in order: the view, the object; the view's buffer last.
        assert_eq!(sub.root(), &Value::Ref(NodeId(0)));
        assert_eq!(sub.len(), 4);
        let elements = &sub.nodes()[0].as_array().unwrap().elements;
        let ids: Vec<_> = elements
            .iter()
            .map(|v| v.as_ref().unwrap().node_id())
            .collect();
        assert_eq!(
            ids,
            [
                Some(NodeId(1)),
                Some(NodeId(2)),
                Some(NodeId(2)),
                Some(NodeId(u32::MAX))
            ]
        );
        assert!(matches!(&sub.nodes()[1], Node::View(view) if view.buffer == NodeId(3)));
        assert!(matches!(&sub.nodes()[2], Node::Object(entries) if entries.is_empty()));
        assert_eq!(sub.bytes_of(&Value::Ref(NodeId(1))), Some(&[1u8, 2][..]));
    }

    #[test]
    fn splice_shifts_ids() {
        let mut host = Graph::new();
        host.add(Node::Date(0.0));
        let guest = cyclic_pair();
        let at = host.splice(guest.clone());
        host.set_root(at);
        assert_eq!(host, guest);
    }

    #[test]
    fn views_resolve_their_bytes() {
        let mut g = Graph::new();
        let view = g.uint8_array(vec![1, 2, 3]);
        assert_eq!(g.bytes_of(&view), Some(&[1, 2, 3][..]));
        let buffer = match g.resolve(&view) {
            Some(Node::View(v)) => v.buffer,
            _ => unreachable!(),
        };
        let short = g.view(ViewKind::Uint16Array, buffer, 2, 1);
        assert_eq!(g.bytes_of(&short), None);
    }
}
