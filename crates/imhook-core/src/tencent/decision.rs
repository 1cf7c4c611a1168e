//! Typed decisions of the Before commands.
//!
//! STUB: the typed decisions replace this file.
