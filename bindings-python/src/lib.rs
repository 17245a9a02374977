//! Python bindings for oko (issue 6).
