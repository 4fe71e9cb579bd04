//! The steps of a sync loop, so tests can stop a run at each one as a crash would.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A point in a sync run where a crash leaves its mark: what was done before it persists
/// (in the target, in the checkpoint store), nothing after it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Step {
    /// A batch of changes was read from the source; nothing was written yet.
    Read,
    /// Records the target write depends on (accounts, contacts) were written.
    Prepared,
    /// The batch was written to the target; its checkpoint is not saved yet.
    TargetWritten,
    /// The checkpoint of the batch was saved.
    CheckpointSaved,
}

impl Step {
    /// Every step, in the order a batch passes them.
    pub const ALL: [Step; 4] = [
        Step::Read,
        Step::Prepared,
        Step::TargetWritten,
        Step::CheckpointSaved,
    ];
}

/// The simulated crash: the run stopped at this step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crashed(pub Step);

impl fmt::Display for Crashed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "crashed at {:?}", self.0)
    }
}

impl std::error::Error for Crashed {}

/// Told of each step a run passes; returning `Err` stops the run there as a crash would.
pub trait StepHook: Send + Sync {
    /// Called when the run reaches `step`.
    fn at(&self, step: Step) -> Result<(), Crashed>;
}

/// A run without simulated crashes.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoHook;

impl StepHook for NoHook {
    fn at(&self, _step: Step) -> Result<(), Crashed> {
        Ok(())
    }
}

/// Crashes the `nth` time (counting from 1) a run reaches `step`.
///
/// ```
/// use atom_examples::sync::{CrashAt, Step, StepHook};
/// let hook = CrashAt::new(Step::TargetWritten, 2);
/// assert!(hook.at(Step::TargetWritten).is_ok());
/// assert!(hook.at(Step::Read).is_ok());
/// assert!(hook.at(Step::TargetWritten).is_err());
/// assert!(hook.at(Step::TargetWritten).is_ok());
/// ```
#[derive(Debug)]
pub struct CrashAt {
    step: Step,
    nth: usize,
    seen: AtomicUsize,
}

impl CrashAt {
    /// A hook that crashes at the `nth` arrival at `step`.
    pub fn new(step: Step, nth: usize) -> Self {
        Self {
            step,
            nth,
            seen: AtomicUsize::new(0),
        }
    }
}

impl StepHook for CrashAt {
    fn at(&self, step: Step) -> Result<(), Crashed> {
        if step != self.step {
            return Ok(());
        }
        let arrival = self.seen.fetch_add(1, Ordering::SeqCst) + 1;
        if arrival == self.nth {
            Err(Crashed(step))
        } else {
            Ok(())
        }
    }
}
