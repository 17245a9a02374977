//! Running two independent parts of a computation on two cores.
//!
//! Why not a thread-pool crate: the core splits work in few places (counting results beside
//! marks, teachers beside grades), each a pair of large independent parts, so one scoped
//! thread per pair is enough and the crate keeps no global state.

use std::sync::Mutex;

/// Runs `a` on a new scoped thread and `b` on the calling one, and returns both results.
/// When the system cannot start a thread, `a` runs here after `b`. A panic in either part is
/// resumed on the caller, as if both had run here.
pub(crate) fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    // `a` waits in a slot that the thread empties; if the thread cannot start, it is still
    // there to run here.
    let slot = Mutex::new(Some(a));
    let take = || slot.lock().unwrap_or_else(|e| e.into_inner()).take();
    std::thread::scope(|s| {
        let started = std::thread::Builder::new()
            .name("oko-join".to_owned())
            .spawn_scoped(s, || take().map(|a| a()));
        let rb = b();
        let ra = started
            .ok()
            .and_then(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .or_else(|| take().map(|a| a()))
            .expect("`a` ran on the thread or runs here");
        (ra, rb)
    })
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn both_parts_run_and_return() {
        let data: Vec<u64> = (1..=1000).collect();
        let (a, b) = join(
            || data[..500].iter().sum::<u64>(),
            || data[500..].iter().sum::<u64>(),
        );
        assert_eq!(a + b, 500_500);
    }

    #[test]
    fn a_panic_in_the_thread_reaches_the_caller() {
        let r = std::panic::catch_unwind(|| join(|| panic!("part a"), || 1));
        assert!(r.is_err());
    }
}
