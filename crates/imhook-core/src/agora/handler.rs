//! The Agora handler trait: one method per family of the catalogue with a default body, a catch-all
use super::catalogue::for_each_family;
use super::context::AgoraContext;
use super::decision::PreSendDecision;
use super::events::*;
use crate::BoxError;
use async_trait::async_trait;
use std::future::Future;
use std::pin::Pin;

/// Defines [`CallbackHandler`], with one method per family of the catalogue
/// (`agora/catalogue.rs`), and [`dispatch`], which calls it.
macro_rules! define_handler {
    ($($(#[doc = $doc:literal])* $variant:ident $(($detail:ty))? = $($id:literal)|+
        => $ty:ty, $method:ident;)*) => {
        /// The application's Agora callback handler. Implement the methods you need; the
        /// others acknowledge.
        #[async_trait]
        pub trait CallbackHandler: Send + Sync + 'static {
            /// Entry point for every post-send event. The default calls the method for the
            /// event's family; override it (an `async fn`, like the others) to handle every
            /// event in one place.
            //
            // Written out as `#[async_trait]` writes an `async fn`, so that overrides keep
            // that form, while the default returns the family method's future itself
            // instead of a second box holding the event until it is first polled.
            fn handle<'life0, 'life1, 'async_trait>(
                &'life0 self,
                ctx: &'life1 AgoraContext,
                event: AgoraEvent,
            ) -> Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send + 'async_trait>>
            where
                'life0: 'async_trait,
                'life1: 'async_trait,
                Self: 'async_trait,
            {
                dispatch(self, ctx, event)
            }

            /// A pre-send request: decide whether the message is delivered. Default: allow.
            async fn pre_send(
                &self,
                ctx: &AgoraContext,
                event: PreSendEvent,
            ) -> Result<PreSendDecision, BoxError> {
                let _ = (ctx, event);
                Ok(PreSendDecision::Allow)
            }

            $(
                $(#[doc = $doc])*
                async fn $method(&self, ctx: &AgoraContext, event: $ty) -> Result<(), BoxError> {
                    let _ = (ctx, event);
                    Ok(())
                }
            )*

            /// Any post-send kind the library does not type, or a known one whose body could
            /// not be decoded (`event.error` says why).
            async fn unknown(&self, ctx: &AgoraContext, event: UnknownEvent) -> Result<(), BoxError> {
                let _ = (ctx, event);
                Ok(())
            }
        }

        /// Calls the handler method for a post-send `event`: the method's own future,
        /// returned as it is (a plain function rather than an `async fn`, whose future
        /// would hold a second copy of the event beside the method's).
        pub fn dispatch<'a, H: CallbackHandler + ?Sized>(
            handler: &'a H,
            ctx: &'a AgoraContext,
            event: AgoraEvent,
        ) -> Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send + 'a>> {
            match event {
                $(AgoraEvent::$variant(e) => handler.$method(ctx, e),)*
                AgoraEvent::Unknown(u) => handler.unknown(ctx, u),
            }
        }
    };
}

for_each_family!(define_handler);
