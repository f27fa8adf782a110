//! The body of a `ferrolens_invoke_raw` answer: the answer's bytes, then one byte saying what
//! they are (docs/protocol.md, "Answers").
//!
//! Lone binary data (an `ArrayBuffer`, or a `Uint8Array` over all of one) goes as its own bytes,
//! moved out of the answer: no wire format is written around it, which for a large buffer is a
//! copy into fresh memory (6 ms for 10 MiB on the benchmark machine). The byte goes last
//! because the bytes must start the body for the move to work: Tauri answers with a `Vec<u8>`.
//! A large one is parked instead (see `parked.rs`), and the body names its ticket.

use ferrolens_ipc::value::LoneBinary;
use ferrolens_ipc::Answer;

use super::parked::PARK_MIN;

/// The last byte of an answer body: what the bytes before it are.
pub use ferrolens_ipc::protocol::form;

/// The answer body for `answer`. A lone binary answer of at least [`PARK_MIN`] bytes goes to
/// `park`, which returns its ticket. An answer already in the wire format (from a handler that
/// encodes for itself) is a message as it stands.
pub fn answer_body(answer: impl Into<Answer>, park: impl FnOnce(Vec<u8>) -> u64) -> Vec<u8> {
    let answer = match answer.into() {
        Answer::Value(graph) => graph,
        Answer::Encoded(bytes) => {
            let mut body = bytes.into_bytes();
            body.push(form::MESSAGE);
            return body;
        }
    };
    let (mut body, form) = match answer.into_lone_binary() {
        Ok(lone) => {
            let (bytes, kind) = match lone {
                LoneBinary::Uint8Array(bytes) => (bytes, form::UINT8_ARRAY),
                LoneBinary::ArrayBuffer(bytes) => (bytes, form::ARRAY_BUFFER),
            };
            if bytes.len() < PARK_MIN {
                (bytes, kind)
            } else {
                let mut body = park(bytes).to_le_bytes().to_vec();
                body.push(kind);
                (body, form::PARKED)
            }
        }
        Err(answer) => {
            let bytes = ferrolens_ipc::value::encode(&answer);
            super::free::free_answer(answer, bytes.len());
            (bytes, form::MESSAGE)
        }
    };
    body.push(form);
    body
}

/// A copy of a lone binary argument, with room for the form byte after it: a handler that
/// answers with the bytes it was given then sends them back without another copy.
pub fn lone_copy(bytes: &[u8]) -> Vec<u8> {
    let mut copy = Vec::with_capacity(bytes.len() + 1);
    copy.extend_from_slice(bytes);
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrolens_ipc::value::{Node, Value, ViewKind};
    use ferrolens_ipc::{Encoded, Graph};

    #[test]
    fn lone_binary_goes_as_its_bytes_then_its_form() {
        let u8a = Graph::build(|g| g.uint8_array(vec![9, 8, 7]));
        assert_eq!(answer_body(u8a, no_park), [9, 8, 7, form::UINT8_ARRAY]);
        let buffer = Graph::build(|g| g.array_buffer(vec![1, 2]));
        assert_eq!(answer_body(buffer, no_park), [1, 2, form::ARRAY_BUFFER]);
        let empty = Graph::build(|g| g.array_buffer(Vec::new()));
        assert_eq!(answer_body(empty, no_park), [form::ARRAY_BUFFER]);
    }

    #[test]
    fn a_copied_argument_is_answered_in_place() {
        let copy = lone_copy(&[3u8; 100_000]);
        let at = copy.as_ptr();
        let body = answer_body(Graph::build(|g| g.uint8_array(copy)), no_park);
        assert_eq!(body.as_ptr(), at, "the argument's memory is the answer's");
        assert_eq!(body.len(), 100_001);
        assert_eq!(body.last(), Some(&form::UINT8_ARRAY));
    }

    fn no_park(_: Vec<u8>) -> u64 {
        panic!("only lone binary answers of PARK_MIN bytes or more are parked")
    }

    #[test]
    fn a_large_lone_binary_answer_is_parked_and_the_body_names_its_ticket() {
        for (kind, answer) in [
            (
                form::UINT8_ARRAY,
                Graph::build(|g| g.uint8_array(vec![5; PARK_MIN])),
            ),
            (
                form::ARRAY_BUFFER,
                Graph::build(|g| g.array_buffer(vec![5; PARK_MIN])),
            ),
        ] {
            let mut parked = None;
            let body = answer_body(answer, |bytes| {
                parked = Some(bytes);
                0x0102_0304_0506_0708
            });
            assert_eq!(body, [8, 7, 6, 5, 4, 3, 2, 1, kind, form::PARKED]);
            assert_eq!(parked, Some(vec![5; PARK_MIN]));
        }
        // One byte less is answered in the body.
        let body = answer_body(
            Graph::build(|g| g.uint8_array(vec![5; PARK_MIN - 1])),
            no_park,
        );
        assert_eq!(
            (body.len(), body.last()),
            (PARK_MIN, Some(&form::UINT8_ARRAY))
        );
    }

    #[test]
    fn an_encoded_answer_is_its_bytes_then_the_message_form() {
        let bytes = ferrolens_ipc::value::encode(&Graph::build(|g| g.uint8_array(vec![4; 8])));
        let body = answer_body(Answer::Encoded(Encoded::new(bytes.clone())), no_park);
        assert_eq!(body[..body.len() - 1], bytes[..]);
        assert_eq!(body.last(), Some(&form::MESSAGE));
    }

    #[test]
    fn anything_else_is_a_message_then_its_form() {
        let partial = Graph::build(|g| {
            let buffer = g.add(Node::ArrayBuffer(vec![1, 2, 3]));
            g.view(ViewKind::Uint8Array, buffer, 1, 2)
        });
        let list = Graph::build(|g| {
            let view = g.uint8_array(vec![1]);
            g.array(vec![view])
        });
        for answer in [Graph::build(|_| Value::Number(1.5)), partial, list] {
            let message = ferrolens_ipc::value::encode(&answer);
            let mut expected = message.clone();
            expected.push(form::MESSAGE);
            let body = answer_body(answer.clone(), no_park);
            assert_eq!(body, expected);
            assert_eq!(
                ferrolens_ipc::value::decode(&body[..body.len() - 1]).unwrap(),
                answer
            );
        }
    }
}
