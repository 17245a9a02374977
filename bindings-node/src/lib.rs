//! Node bindings for oko (issue 7).
