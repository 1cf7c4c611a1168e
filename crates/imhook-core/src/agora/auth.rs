//! STUB
/// stub
pub struct AgoraAuth;
/// stub
pub enum AuthOutcome {}
/// stub
pub enum UnsignedPolicy {}
