//! STUB
/// stub
pub struct TencentConfig;
/// stub
pub struct TencentEndpoint;
