//! The `ferrolens:extension` world (`wit/ferrolens-extension.wit`) on the host side: the
//! generated types, and the host interface bound to [`HostState`].

use wasmtime::component::{HasSelf, Linker};

use crate::state::HostState;

wasmtime::component::bindgen!({
    path: "../../wit/ferrolens-extension.wit",
    world: "extension",
    imports: {
        // A request waits for a frame's answer, `wait` for time to pass or a cancellation;
        // every other import answers at once.
        "ferrolens:extension/host.request": async,
        "ferrolens:extension/host.wait": async,
    },
    exports: { default: async },
});

/// Adds the host interface to `linker`, implemented by [`HostState`].
pub(crate) fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    Extension::add_to_linker::<HostState, HasSelf<HostState>>(linker, |state| state)
}
