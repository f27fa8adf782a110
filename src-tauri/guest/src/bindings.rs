//! The `ferrolens:extension` world (`wit/ferrolens-extension.wit`) on the guest side, as
//! `wit-bindgen` generates it. Extension code uses the crate's API instead; [`crate::export!`]
//! uses the export macro generated here.

wit_bindgen::generate!({
    path: "../../wit/ferrolens-extension.wit",
    world: "extension",
    pub_export_macro: true,
    export_macro_name: "__export_ferrolens_extension",
    default_bindings_module: "ferrolens_guest::bindings",
});
