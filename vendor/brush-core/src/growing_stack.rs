//! Futures polled on a stack that grows where little of it is left (ncsh patch). A shell
//! function's call, or a sourced file's, nests the interpreter's futures one level deeper, and
//! polling them takes tens of kilobytes of stack a level (over a hundred in a debug build): the
//! main thread's 8 MiB ended a recursion a few hundred calls deep with a stack overflow, and a
//! runtime thread's 2 MiB one a few dozen deep, where bash goes thousands deep.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Less stack than this left, and a poll goes on a new segment: more than one call of a function
/// takes in a debug build.
const RED_ZONE: usize = 1024 * 1024;
/// The size of each new segment.
const SEGMENT: usize = 16 * 1024 * 1024;

/// `future`, polled on a grown stack where little is left.
pub(crate) fn on_growing_stack<F: Future>(future: F) -> OnGrowingStack<F> {
    OnGrowingStack(Box::pin(future))
}

pub(crate) struct OnGrowingStack<F>(Pin<Box<F>>);

impl<F: Future> Future for OnGrowingStack<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let future = self.0.as_mut();
        stacker::maybe_grow(RED_ZONE, SEGMENT, || future.poll(cx))
    }
}
