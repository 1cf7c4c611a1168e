//! STUB
/// stub
pub struct AgoraConfig;
/// stub
pub struct AgoraEndpoint;
/// stub
pub enum PostSendFailurePolicy {}
/// stub
pub enum PreSendFailurePolicy {}
