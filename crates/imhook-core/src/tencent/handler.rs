//! The Tencent handler trait: one method per command, each with a default body, a
use super::catalogue::{command_kind, for_each_command};
use super::context::TencentContext;
use super::decision::{Answer, Command, Outcome, sealed};
use super::events::*;
use super::reply::Reply;
use crate::BoxError;
use async_trait::async_trait;
use std::future::Future;
use std::pin::Pin;

/// Defines [`CallbackHandler`], with one method per command of the catalogue
/// (`tencent/catalogue.rs`), and [`dispatch`], which calls it.
macro_rules! define_handler {
    ($($kind:ident {$($(#[doc = $doc:literal])* $variant:ident = $wire:literal
        => $ty:ty, $method:ident $(-> $decision:ident)?;)*})*) => {
        /// The application's Tencent callback handler. Implement the methods you need; the
        /// others acknowledge (After) or allow (Before).
        #[async_trait]
        pub trait CallbackHandler: Send + Sync + 'static {
            /// Entry point for every event. The default calls the method for the event's
            /// command; override it (an `async fn`, like the others) to handle every event
            /// in one place.
            //
            // Written out as `#[async_trait]` writes an `async fn`, so that overrides keep
            // that form, while the default returns the command method's future itself
            // instead of a second box holding the event until it is first polled.
            fn handle<'life0, 'life1, 'async_trait>(
                &'life0 self,
                ctx: &'life1 TencentContext,
                event: TencentEvent,
            ) -> Pin<Box<dyn Future<Output = Result<Answer, BoxError>> + Send + 'async_trait>>
            where
                'life0: 'async_trait,
                'life1: 'async_trait,
                Self: 'async_trait,
            {
                dispatch(self, ctx, event)
            }

            $($(
                #[doc = concat!("`", $wire, "`:")]
                $(#[doc = $doc])*
                #[doc = command_kind!(method_doc $kind $($decision)?)]
                async fn $method(
                    &self,
                    ctx: &TencentContext,
                    event: $ty,
                ) -> Result<command_kind!(returns $kind $($decision)?), BoxError> {
                    let _ = (ctx, event);
                    Ok(Default::default())
                }
            )*)*

            /// Any command the library does not type, or a catalogued one whose body could not
            /// be decoded (`event.error` says why). Return a raw reply to answer a new
            /// Before-type command, or `None` for the OK ack. For a catalogued Before command
            /// whose body could not be decoded, the endpoint answers with its failure policy.
            async fn unknown(
                &self,
                ctx: &TencentContext,
                event: UnknownEvent,
            ) -> Result<Option<Reply>, BoxError> {
                let _ = (ctx, event);
                Ok(None)
            }
        }

        /// Calls the handler method for `event` and turns its result into the answer.
        ///
        /// A plain function rather than an `async fn`: the event moves straight into
        /// the method's future, and the returned future holds only what the answer
        /// needs besides the method's result, not a second copy of the event.
        pub fn dispatch<'a, H: CallbackHandler + ?Sized>(
            handler: &'a H,
            ctx: &'a TencentContext,
            event: TencentEvent,
        ) -> Pin<Box<dyn Future<Output = Result<Answer, BoxError>> + Send + 'a>> {
            match event {
                $($(TencentEvent::$variant(e) => {
                    type Returned = command_kind!(returns $kind $($decision)?);
                    let basis = <Returned as Outcome<$ty>>::basis(&e);
                    let returned = handler.$method(ctx, e);
                    Box::pin(async move {
                        let returned = returned.await?;
                        Ok(Answer::from_reply(<Returned as Outcome<$ty>>::reply(returned, basis)))
                    })
                })*)*
                TencentEvent::Unknown(u) => {
                    let returned = handler.unknown(ctx, u);
                    Box::pin(async move {
                        Ok(Answer::from_reply(returned.await?.unwrap_or_else(Reply::ok)))
                    })
                }
            }
        }

        $($(
            impl sealed::Sealed for $ty {}

            impl Command for $ty {
                type Decision = command_kind!(returns $kind $($decision)?);

                fn answer(&self, decision: Self::Decision) -> Answer {
                    let basis = <Self::Decision as Outcome<$ty>>::basis(self);
                    Answer::from_reply(<Self::Decision as Outcome<$ty>>::reply(decision, basis))
                }
            }
        )*)*
    };
}

for_each_command!(define_handler);
